using System.Globalization;

namespace Homeserver.Configuration;

/// <summary>
/// Synapse's size notation: a non-negative integer of bytes with an optional binary unit <c>K</c>,
/// <c>M</c> or <c>G</c> (1024, 1024², 1024³; either case).
/// </summary>
public static class ByteSizeNotation
{
    public static bool TryParse(string text, out long bytes, out string error)
    {
        bytes = 0;
        var value = text.Trim();
        var multiplier = value.Length > 1 ? char.ToUpperInvariant(value[^1]) switch
        {
            'K' => 1024L,
            'M' => 1024L * 1024,
            'G' => 1024L * 1024 * 1024,
            _ => 1L,
        } : 1L;
        if (multiplier != 1) value = value[..^1];
        if (value.Length == 0 || !value.All(char.IsAsciiDigit) ||
            !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            error = $"'{text}' is not a size (examples: 512K, 10M, 1G, or an integer of bytes)";
            return false;
        }
        if (amount > long.MaxValue / multiplier)
        {
            error = $"'{text}' is too large a size";
            return false;
        }
        bytes = amount * multiplier;
        error = "";
        return true;
    }
}
