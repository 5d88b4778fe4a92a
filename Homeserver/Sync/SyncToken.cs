using System.Globalization;
using Homeserver.Federation.Http;

namespace Homeserver.Sync;

/// <summary>
/// A position in every stream sync reads, as one opaque string
/// <c>s1_{room}_{accountData}_{typing}_{receipts}_{presence}_{toDevice}_{deviceLists}</c>. Tokens from before
/// presence (four positions) or before the encryption streams (five) still parse, the missing positions 0.
/// Parsed strictly: anything else is 400 <c>M_INVALID_PARAM</c>.
/// </summary>
public readonly record struct SyncToken(long Room, long AccountData, long Typing, long Receipts, long Presence = 0,
    long ToDevice = 0, long DeviceLists = 0)
{
    private const string Prefix = "s1_";

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Room}_{AccountData}_{Typing}_{Receipts}_{Presence}_{ToDevice}_{DeviceLists}");

    /// <summary>Each position the larger of the two tokens'.</summary>
    public SyncToken Max(SyncToken other) => new(Math.Max(Room, other.Room), Math.Max(AccountData, other.AccountData),
        Math.Max(Typing, other.Typing), Math.Max(Receipts, other.Receipts), Math.Max(Presence, other.Presence),
        Math.Max(ToDevice, other.ToDevice), Math.Max(DeviceLists, other.DeviceLists));

    public static bool TryParse(string? text, out SyncToken token)
    {
        token = default;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        var parts = text[Prefix.Length..].Split('_');
        if (parts.Length is not (4 or 5 or 7))
            return false;
        var positions = new long[7];
        for (var i = 0; i < parts.Length; i++)
            if (!TryParsePosition(parts[i], out positions[i]))
                return false;
        token = new SyncToken(positions[0], positions[1], positions[2], positions[3], positions[4], positions[5], positions[6]);
        return true;
    }

    public static SyncToken Parse(string text, string parameter) =>
        TryParse(text, out var token) ? token : throw MatrixException.InvalidParam($"'{parameter}' is not a valid sync token.");

    /// <summary>A non-negative decimal number in canonical spelling (no sign, no leading zeros).</summary>
    internal static bool TryParsePosition(string text, out long position) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out position)
        && position.ToString(CultureInfo.InvariantCulture) == text;
}
