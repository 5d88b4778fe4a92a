using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Authorization;

/// <summary>
/// Reads one power level value as the room version allows it: JSON integers always; before v10
/// also strings holding an integer (<c>" +0100 "</c>); in v1–v5, whose canonical JSON is lenient,
/// also floats (truncated towards zero).
/// </summary>
public static class PowerLevelValue
{
    public static bool TryRead(JsonNode? node, RoomVersionRules rules, out long level)
    {
        level = 0;
        if (node is not JsonValue value) return false;
        switch (value.GetValueKind())
        {
            case JsonValueKind.Number:
                return TryReadNumber(value, rules, out level);
            case JsonValueKind.String when !rules.IntegerOnlyPowerLevels:
                return TryParseIntegerString(value.GetValue<string>(), out level);
            default:
                return false;
        }
    }

    private static bool TryReadNumber(JsonValue value, RoomVersionRules rules, out long level)
    {
        if (value.TryGetValue(out long l)) { level = l; return true; }
        if (value.TryGetValue(out int i)) { level = i; return true; }
        if (value.TryGetValue(out JsonElement element) && element.TryGetInt64(out l)) { level = l; return true; }
        level = 0;
        // A float: only room versions with lenient canonical JSON can carry one.
        if (rules.StrictCanonicalJson) return false;
        double d;
        if (value.TryGetValue(out double direct)) d = direct;
        else if (value.TryGetValue(out JsonElement e) && e.TryGetDouble(out var parsed)) d = parsed;
        else return false;
        if (!double.IsFinite(d)) return false;
        var truncated = Math.Truncate(d);
        if (truncated is < -9.2e18 or > 9.2e18) return false;
        level = (long)truncated;
        return true;
    }

    /// <summary>
    /// The string form allowed before v10: optional surrounding whitespace, an optional single
    /// sign, then base-10 digits (leading zeroes allowed). Nothing else.
    /// </summary>
    public static bool TryParseIntegerString(string text, out long level)
    {
        level = 0;
        var s = text.AsSpan().Trim();
        if (s.IsEmpty) return false;
        var negative = false;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s.IsEmpty) return false;
        long magnitude = 0;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c)) return false;
            // Beyond ±(2^63−1) a level is meaningless; refuse rather than wrap.
            if (magnitude > (long.MaxValue - (c - '0')) / 10) return false;
            magnitude = magnitude * 10 + (c - '0');
        }
        level = negative ? -magnitude : magnitude;
        return true;
    }
}
