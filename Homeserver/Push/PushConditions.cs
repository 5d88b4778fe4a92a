using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Push;

/// <summary>
/// The condition kinds of the spec's push rules and the value comparisons they use; <see cref="PushConditionMatcher"/>
/// compiles conditions into matchers.
/// </summary>
public static class PushConditions
{
    public const string EventMatch = "event_match";
    public const string EventPropertyIs = "event_property_is";
    public const string EventPropertyContains = "event_property_contains";
    public const string ContainsDisplayName = "contains_display_name";
    public const string RoomMemberCount = "room_member_count";
    public const string SenderNotificationPermission = "sender_notification_permission";

    /// <summary>The largest integer a condition value or event property may hold to compare (canonical JSON's range).</summary>
    private const long MaxSafeInteger = (1L << 53) - 1;

    /// <summary>
    /// Whether the literal text (a display name: its own <c>*</c> and <c>?</c> are not wildcards) appears in the body
    /// between word boundaries, ignoring case (<c>contains_display_name</c>).
    /// </summary>
    public static bool LiteralMatchesWords(string name, string body)
    {
        var lowerName = name.ToLowerInvariant();
        var lowerBody = body.ToLowerInvariant();
        for (var at = lowerBody.IndexOf(lowerName, StringComparison.Ordinal); at >= 0;
             at = at + 1 < lowerBody.Length ? lowerBody.IndexOf(lowerName, at + 1, StringComparison.Ordinal) : -1)
        {
            var end = at + lowerName.Length;
            var startOk = at == 0 || !IsWord(lowerBody[at - 1]) || !IsWord(lowerBody[at]);
            var endOk = end == lowerBody.Length || !IsWord(lowerBody[end]) || !IsWord(lowerBody[end - 1]);
            if (startOk && endOk) return true;
        }
        return false;
    }

    private static bool IsWord(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_';

    /// <summary><c>is</c>: a decimal integer, optionally after <c>==</c>, <c>&lt;</c>, <c>&gt;</c>, <c>&lt;=</c> or <c>&gt;=</c>.</summary>
    public static bool MemberCountMatches(string @is, long count)
    {
        var (op, number) = @is switch
        {
            _ when @is.StartsWith("==", StringComparison.Ordinal) => ("==", @is[2..]),
            _ when @is.StartsWith("<=", StringComparison.Ordinal) => ("<=", @is[2..]),
            _ when @is.StartsWith(">=", StringComparison.Ordinal) => (">=", @is[2..]),
            _ when @is.StartsWith('<') => ("<", @is[1..]),
            _ when @is.StartsWith('>') => (">", @is[1..]),
            _ => ("==", @is),
        };
        if (number.Length == 0 || !number.All(char.IsAsciiDigit)
            || !long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            return false;
        return op switch
        {
            "==" => count == value,
            "<" => count < value,
            ">" => count > value,
            "<=" => count <= value,
            _ => count >= value,
        };
    }

    /// <summary>Whether <c>is</c> has the shape <see cref="MemberCountMatches"/> understands.</summary>
    public static bool IsValidMemberCount(string @is)
    {
        var number = @is.TrimStart('=', '<', '>');
        var prefix = @is[..(@is.Length - number.Length)];
        return prefix is "" or "==" or "<" or ">" or "<=" or ">=" && number.Length > 0 && number.All(char.IsAsciiDigit)
            && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    /// <summary>A non-compound canonical JSON value: string, integer in ±(2^53−1), boolean or null.</summary>
    public static bool IsSimple(JsonNode? node)
    {
        if (node is null) return true;
        if (node is not JsonValue value) return false;
        return value.GetValueKind() switch
        {
            JsonValueKind.String or JsonValueKind.True or JsonValueKind.False => true,
            JsonValueKind.Number => value.TryGetValue<long>(out var n) && n is >= -MaxSafeInteger and <= MaxSafeInteger,
            _ => false,
        };
    }

    /// <summary>Exact equality of two simple values, without casts (<c>"1"</c> is not <c>1</c>, <c>1</c> is not <c>true</c>).</summary>
    public static bool SimpleEquals(JsonNode? actual, JsonNode? expected)
    {
        if (!IsSimple(actual) || !IsSimple(expected)) return false;
        if (actual is null || expected is null) return actual is null && expected is null;
        var a = actual.AsValue();
        var e = expected.AsValue();
        var kind = a.GetValueKind();
        if (kind != e.GetValueKind()) return false;
        return kind switch
        {
            JsonValueKind.String => a.GetValue<string>() == e.GetValue<string>(),
            JsonValueKind.Number => a.GetValue<long>() == e.GetValue<long>(),
            _ => true,
        };
    }

}
