using System.Globalization;

namespace Homeserver.Configuration;

/// <summary>
/// Synapse's duration notation: a non-negative integer with an optional unit, <c>ms</c>, <c>s</c>,
/// <c>m</c>, <c>h</c>, <c>d</c>, <c>w</c> or <c>y</c> (365 days); a plain integer means milliseconds.
/// </summary>
public static class DurationNotation
{
    private static readonly (string Suffix, long Milliseconds)[] Units =
    [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
        ("w", 7 * 86_400_000L), ("y", 365 * 86_400_000L),
    ];

    public static bool TryParse(string text, out TimeSpan duration, out string error)
    {
        duration = default;
        var value = text.Trim();
        var multiplier = 1L;
        // "ms" is checked before "m" and "s" so that "500ms" is not read as "500m" + "s".
        foreach (var (suffix, milliseconds) in Units)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal) && value.Length > suffix.Length &&
                char.IsAsciiDigit(value[^(suffix.Length + 1)]))
            {
                value = value[..^suffix.Length];
                multiplier = milliseconds;
                break;
            }
        }
        if (value.Length == 0 || !value.All(char.IsAsciiDigit) ||
            !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            error = $"'{text}' is not a duration (examples: 500ms, 30s, 5m, 1h, 7d, or an integer of milliseconds)";
            return false;
        }
        if (amount > TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMillisecond / multiplier)
        {
            error = $"'{text}' is too long a duration";
            return false;
        }
        duration = TimeSpan.FromMilliseconds(amount * multiplier);
        error = "";
        return true;
    }

    /// <summary>Writes a duration in the largest unit that divides it exactly (<c>10s</c>, <c>7d</c>, <c>1500ms</c>).</summary>
    public static string Format(TimeSpan duration)
    {
        var milliseconds = (long)duration.TotalMilliseconds;
        for (var i = Units.Length - 1; i > 0; i--)
            if (milliseconds != 0 && milliseconds % Units[i].Milliseconds == 0)
                return (milliseconds / Units[i].Milliseconds).ToString(CultureInfo.InvariantCulture) + Units[i].Suffix;
        return milliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
    }
}
