using System.Globalization;
using Homeserver.Federation.Http;

namespace Homeserver.Sync;

/// <summary>
/// A position in every stream sync reads, as one opaque string <c>s1_{room}_{accountData}_{typing}_{receipts}_{presence}</c>; the
/// leading version lets later streams (to-device, device lists) be appended. Tokens from before presence
/// (four positions) still parse, with presence position 0. Parsed strictly: anything else is 400 <c>M_INVALID_PARAM</c>.
/// </summary>
public readonly record struct SyncToken(long Room, long AccountData, long Typing, long Receipts, long Presence = 0)
{
    private const string Prefix = "s1_";

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Room}_{AccountData}_{Typing}_{Receipts}_{Presence}");

    public static bool TryParse(string? text, out SyncToken token)
    {
        token = default;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        var parts = text[Prefix.Length..].Split('_');
        long presence = 0;
        if (parts.Length is not (4 or 5) || !TryParsePosition(parts[0], out var room) || !TryParsePosition(parts[1], out var accountData)
            || !TryParsePosition(parts[2], out var typing) || !TryParsePosition(parts[3], out var receipts)
            || (parts.Length == 5 && !TryParsePosition(parts[4], out presence)))
            return false;
        token = new SyncToken(room, accountData, typing, receipts, presence);
        return true;
    }

    public static SyncToken Parse(string text, string parameter) =>
        TryParse(text, out var token) ? token : throw MatrixException.InvalidParam($"'{parameter}' is not a valid sync token.");

    /// <summary>A non-negative decimal number in canonical spelling (no sign, no leading zeros).</summary>
    internal static bool TryParsePosition(string text, out long position) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out position)
        && position.ToString(CultureInfo.InvariantCulture) == text;
}
