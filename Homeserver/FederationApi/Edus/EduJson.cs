using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Identifiers;

namespace Homeserver.FederationApi.Edus;

/// <summary>
/// Reads fields of an EDU's content, which is untrusted input: a field of the wrong type or size reads as
/// absent (null), so a handler ignores the malformed part instead of failing.
/// </summary>
internal static class EduJson
{
    /// <summary>Longest id or type string accepted (event types, message ids, device ids).</summary>
    public const int MaxIdLength = 255;

    /// <summary>The member of an object, or null when <paramref name="node"/> is no object (indexing anything else would throw).</summary>
    public static JsonNode? Member(JsonNode? node, string name) => node is JsonObject obj ? obj[name] : null;

    /// <summary>The member at a path of nested objects, or null when a step is missing or no object.</summary>
    public static JsonNode? Path(JsonNode? node, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
            node = Member(node, name);
        return node;
    }

    /// <summary>A string of 1 to <paramref name="maxLength"/> characters (0 allowed when <paramref name="allowEmpty"/>), or null.</summary>
    public static string? String(JsonNode? node, int maxLength = MaxIdLength, bool allowEmpty = false) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { } text
            && (text.Length > 0 || allowEmpty) && text.Length <= maxLength ? text : null;

    public static bool? Bool(JsonNode? node) => node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False
        ? value.GetValue<bool>()
        : null;

    /// <summary>A non-negative integer within JSON's safe range, or null.</summary>
    public static long? Integer(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number)
            && number is >= 0 and <= (1L << 53) - 1 ? number : null;

    /// <summary>The user id when it is valid and of <paramref name="server"/>, else null.</summary>
    public static string? UserOf(JsonNode? node, string server) =>
        String(node) is { } text && UserId.TryParse(text, out var id) && id.Server.ToString() == server ? text : null;
}
