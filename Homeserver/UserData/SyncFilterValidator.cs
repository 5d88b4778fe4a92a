using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;

namespace Homeserver.UserData;

/// <summary>
/// Checks a filter against the spec's <c>Filter</c>, <c>RoomFilter</c>, <c>EventFilter</c> and
/// <c>RoomEventFilter</c> schemas (filter.yaml): every known key present must have its type (null included), ids their syntax and
/// <c>limit</c> must be a positive integer. Unknown keys are kept (the schemas allow them, and clients send
/// unstable extensions). A violation is 400 <c>M_BAD_JSON</c> naming the path.
/// </summary>
public static class SyncFilterValidator
{
    private static readonly string[] RoomEventFilterKeys = ["ephemeral", "state", "timeline", "account_data"];
    private static readonly string[] RoomEventFilterFlags = ["unread_thread_notifications", "lazy_load_members", "include_redundant_members", "contains_url"];

    public static void Validate(JsonObject filter)
    {
        if (filter.TryGetPropertyValue("event_fields", out var fields)) StringArray(fields, "event_fields");
        if (filter.TryGetPropertyValue("event_format", out var format)
            && !(format is JsonValue v && v.TryGetValue<string>(out var text) && text is "client" or "federation"))
            throw Bad("event_format", "must be \"client\" or \"federation\"");
        if (filter.TryGetPropertyValue("presence", out var presence)) EventFilter(presence, "presence");
        if (filter.TryGetPropertyValue("account_data", out var accountData)) EventFilter(accountData, "account_data");
        if (filter.TryGetPropertyValue("room", out var room)) RoomFilter(room, "room");
    }

    private static void RoomFilter(JsonNode? node, string path)
    {
        var room = Object(node, path);
        RoomIds(room, path);
        Flag(room, "include_leave", path);
        foreach (var key in RoomEventFilterKeys)
            if (room.TryGetPropertyValue(key, out var inner))
                RoomEventFilter(inner, $"{path}.{key}");
    }

    private static void RoomEventFilter(JsonNode? node, string path)
    {
        var filter = EventFilter(node, path);
        RoomIds(filter, path);
        foreach (var flag in RoomEventFilterFlags)
            Flag(filter, flag, path);
    }

    private static JsonObject EventFilter(JsonNode? node, string path)
    {
        var filter = Object(node, path);
        if (filter.TryGetPropertyValue("limit", out var limit)
            && !(limit is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number) && number > 0))
            throw Bad($"{path}.limit", "must be an integer greater than 0");
        foreach (var key in (string[])["types", "not_types"])
            if (filter.TryGetPropertyValue(key, out var types)) StringArray(types, $"{path}.{key}");
        foreach (var key in (string[])["senders", "not_senders"])
            if (filter.TryGetPropertyValue(key, out var senders))
                foreach (var sender in StringArray(senders, $"{path}.{key}"))
                    if (!UserId.IsValid(sender)) throw Bad($"{path}.{key}", $"'{sender}' is not a user id");
        return filter;
    }

    private static void RoomIds(JsonObject filter, string path)
    {
        foreach (var key in (string[])["rooms", "not_rooms"])
            if (filter.TryGetPropertyValue(key, out var rooms))
                foreach (var room in StringArray(rooms, $"{path}.{key}"))
                    if (!RoomId.IsValid(room)) throw Bad($"{path}.{key}", $"'{room}' is not a room id");
    }

    private static void Flag(JsonObject filter, string key, string path)
    {
        if (filter.TryGetPropertyValue(key, out var flag) && flag?.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            throw Bad($"{path}.{key}", "must be a boolean");
    }

    private static JsonObject Object(JsonNode? node, string path) =>
        node as JsonObject ?? throw Bad(path, "must be an object");

    private static List<string> StringArray(JsonNode? node, string path)
    {
        if (node is not JsonArray array) throw Bad(path, "must be an array of strings");
        var strings = new List<string>(array.Count);
        foreach (var item in array)
        {
            if (!(item is JsonValue value && value.TryGetValue<string>(out var text))) throw Bad(path, "must be an array of strings");
            strings.Add(text);
        }
        return strings;
    }

    private static MatrixException Bad(string path, string problem) =>
        MatrixException.BadJson($"Invalid filter: '{path}' {problem}.");
}
