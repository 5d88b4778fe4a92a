using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Push;

/// <summary>
/// The condition kinds of the spec's push rules. A condition of an unknown kind, or one missing its
/// parameters, never matches (which disables its rule, as the spec requires).
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

    public static bool Matches(JsonNode? condition, PushEvaluationContext context)
    {
        if (condition is not JsonObject c || Text(c, "kind") is not { } kind)
            return false;
        return kind switch
        {
            EventMatch => MatchesEventMatch(c, context),
            EventPropertyIs => MatchesPropertyIs(c, context),
            EventPropertyContains => MatchesPropertyContains(c, context),
            ContainsDisplayName => MatchesDisplayName(context),
            RoomMemberCount => Text(c, "is") is { } @is && MemberCountMatches(@is, context.RoomMemberCount),
            SenderNotificationPermission => Text(c, "key") is { } key && context.SenderPowerLevel >= context.RequiredNotificationLevel(key),
            _ => false,
        };
    }

    /// <summary>
    /// A glob on a string property: the whole value, except <c>content.body</c>, where any part between
    /// word boundaries may match.
    /// </summary>
    private static bool MatchesEventMatch(JsonObject condition, PushEvaluationContext context)
    {
        if (Text(condition, "key") is not { } key || Text(condition, "pattern") is not { } pattern)
            return false;
        if (!PropertyPath.TryGet(context.Event, key, out var node) || node is not JsonValue v || !v.TryGetValue<string>(out var value))
            return false;
        var glob = new GlobPattern(pattern);
        return key == "content.body" ? glob.MatchesWords(value) : glob.MatchesWhole(value);
    }

    private static bool MatchesPropertyIs(JsonObject condition, PushEvaluationContext context) =>
        Text(condition, "key") is { } key
        && condition.TryGetPropertyValue("value", out var expected) && IsSimple(expected)
        && PropertyPath.TryGet(context.Event, key, out var actual)
        && SimpleEquals(actual, expected);

    private static bool MatchesPropertyContains(JsonObject condition, PushEvaluationContext context) =>
        Text(condition, "key") is { } key
        && condition.TryGetPropertyValue("value", out var expected) && IsSimple(expected)
        && PropertyPath.TryGet(context.Event, key, out var actual)
        && actual is JsonArray array
        && array.Any(item => SimpleEquals(item, expected));

    /// <summary>The user's display name in the room appears in <c>content.body</c> between word boundaries.</summary>
    private static bool MatchesDisplayName(PushEvaluationContext context)
    {
        var name = context.UserDisplayName;
        if (string.IsNullOrWhiteSpace(name) || context.Body is not { } body)
            return false;
        // The name is literal text: its own '*' and '?' must not act as wildcards.
        return LiteralMatchesWords(name, body);
    }

    private static bool LiteralMatchesWords(string name, string body)
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

    private static string? Text(JsonObject obj, string key) => obj[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
