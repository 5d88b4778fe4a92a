using System.Text.Json.Nodes;

namespace Homeserver.Search;

/// <summary>
/// The searchable keys of the spec's <c>room_events</c> category and the text each takes from an event:
/// <c>content.body</c> of <c>m.room.message</c>, <c>content.name</c> of <c>m.room.name</c>, and
/// <c>content.topic</c> of <c>m.room.topic</c> with the <c>text/plain</c> body of its <c>m.topic</c>.
/// </summary>
public static class SearchKeys
{
    public const string Body = "content.body";
    public const string Name = "content.name";
    public const string Topic = "content.topic";

    public static readonly IReadOnlyList<string> All = [Body, Name, Topic];

    /// <summary>The event types that carry searchable text.</summary>
    public static readonly IReadOnlyList<string> EventTypes = ["m.room.message", "m.room.name", "m.room.topic"];

    /// <summary>Indexed text is cut at this many characters (an event is at most 64 KiB anyway).</summary>
    public const int MaxValueLength = 65_536;

    /// <summary>The key and text of a served event, or null when it has nothing to search (such as an encrypted event).</summary>
    public static (string Key, string Value)? Extract(string type, string? stateKey, JsonObject? content)
    {
        if (content is null) return null;
        var found = (type, stateKey) switch
        {
            ("m.room.message", null) => (Body, Text(content["body"])),
            ("m.room.name", "") => (Name, Text(content["name"])),
            ("m.room.topic", "") => (Topic, TopicText(content)),
            _ => (null, null),
        };
        if (found.Item1 is not { } key || string.IsNullOrWhiteSpace(found.Item2)) return null;
        var value = found.Item2.Length > MaxValueLength ? found.Item2[..MaxValueLength] : found.Item2;
        return (key, value);
    }

    private static string? TopicText(JsonObject content)
    {
        var parts = new List<string>();
        if (Text(content["topic"]) is { } topic) parts.Add(topic);
        if (content["m.topic"] is JsonObject richTopic && richTopic["m.text"] is JsonArray representations)
            foreach (var representation in representations.OfType<JsonObject>())
            {
                var mimetype = Text(representation["mimetype"]) ?? "text/plain";
                if (mimetype == "text/plain" && Text(representation["body"]) is { } body && !parts.Contains(body))
                    parts.Add(body);
            }
        return parts.Count == 0 ? null : string.Join('\n', parts);
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
