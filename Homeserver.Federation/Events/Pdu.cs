using System.Text.Json.Nodes;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Events;

/// <summary>
/// A persistent data unit (room event) as a read-only typed view over its JSON.
/// The event id is supplied by the caller for room versions that derive it from the
/// reference hash; for v1–v2 it is read from the event itself.
/// </summary>
public sealed class Pdu
{
    private Pdu(JsonObject json, RoomVersion version, string eventId, string roomId, string sender, string type,
        string? stateKey, JsonObject content, IReadOnlyList<string> prevEvents, IReadOnlyList<string> authEvents,
        long depth, long originServerTs, string? redacts)
    {
        Json = json;
        RoomVersion = version;
        EventId = eventId;
        RoomId = roomId;
        Sender = sender;
        Type = type;
        StateKey = stateKey;
        Content = content;
        PrevEvents = prevEvents;
        AuthEvents = authEvents;
        Depth = depth;
        OriginServerTs = originServerTs;
        Redacts = redacts;
    }

    /// <summary>The whole event as received or built (for v3+ without <c>event_id</c>). Do not mutate.</summary>
    public JsonObject Json { get; }
    public RoomVersion RoomVersion { get; }
    public string EventId { get; }
    /// <summary>The room id; for a v12 create event (which has no room_id) it is derived from the event id.</summary>
    public string RoomId { get; }
    public string Sender { get; }
    public string Type { get; }
    public string? StateKey { get; }
    public JsonObject Content { get; }
    public IReadOnlyList<string> PrevEvents { get; }
    public IReadOnlyList<string> AuthEvents { get; }
    public long Depth { get; }
    public long OriginServerTs { get; }
    /// <summary>For m.room.redaction: the redacted event (top-level before v11, content first from v11).</summary>
    public string? Redacts { get; }

    public bool IsState => StateKey is not null;
    public TypeStateKey StateEntryKey => new(Type, StateKey ?? throw new InvalidOperationException("not a state event"));
    /// <summary>The server part of the sender's user id.</summary>
    public string SenderServer => Sender[(Sender.IndexOf(':') + 1)..];

    public override string ToString() => $"{EventId} {Type}/{StateKey}";

    /// <summary>
    /// Reads the structural fields of a PDU. Checks only what is needed to build the view;
    /// full format validation (sizes, grammars, hashes) is done by the event validators.
    /// </summary>
    /// <param name="eventId">The event id; required unless the version carries ids in the event (v1–v2).</param>
    public static Pdu FromJson(JsonObject json, RoomVersion version, string? eventId = null)
    {
        var rules = version.Rules;
        eventId ??= rules.EventIdFormat == EventIdFormat.Opaque
            ? RequiredString(json, "event_id")
            : throw new PduFormatException("event id must be computed for this room version");
        var type = RequiredString(json, "type");
        var sender = RequiredString(json, "sender");
        var stateKey = OptionalString(json, "state_key");
        var content = json["content"] switch
        {
            JsonObject o => o,
            null => new JsonObject(),
            _ => throw new PduFormatException("content must be an object"),
        };

        string roomId;
        if (rules.RoomIdIsCreateEventHash && type == "m.room.create" && stateKey == "")
            roomId = json["room_id"] is null
                ? "!" + eventId[1..]
                : throw new PduFormatException("a v12 create event must not have room_id");
        else
            roomId = RequiredString(json, "room_id");

        var redacts = OptionalString(json, "redacts");
        if (rules.RedactsInContent && type == "m.room.redaction" && content["redacts"] is JsonValue v && v.TryGetValue(out string? inContent))
            redacts = inContent;

        return new Pdu(json, version, eventId, roomId, sender, type, stateKey, content,
            ReadReferences(json, "prev_events", rules), ReadReferences(json, "auth_events", rules),
            OptionalInteger(json, "depth"), OptionalInteger(json, "origin_server_ts"), redacts);
    }

    private static IReadOnlyList<string> ReadReferences(JsonObject json, string name, RoomVersionRules rules)
    {
        if (json[name] is null) return [];
        if (json[name] is not JsonArray array) throw new PduFormatException($"{name} must be an array");
        var ids = new string[array.Count];
        for (var i = 0; i < array.Count; i++)
        {
            // v1–v2 use [id, {hashes}] pairs.
            var item = rules.EventReferencesAreHashPairs && array[i] is JsonArray pair && pair.Count > 0 ? pair[0] : array[i];
            ids[i] = item is JsonValue value && value.TryGetValue(out string? id)
                ? id
                : throw new PduFormatException($"{name} entries must be event ids");
        }
        return ids;
    }

    private static string RequiredString(JsonObject json, string name) =>
        OptionalString(json, name) ?? throw new PduFormatException($"{name} is required");

    private static string? OptionalString(JsonObject json, string name) => json[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => throw new PduFormatException($"{name} must be a string"),
    };

    private static long OptionalInteger(JsonObject json, string name) => json[name] switch
    {
        null => 0,
        // Parsed values hold a JsonElement (readable as long); values built in code may hold an int.
        JsonValue v when v.TryGetValue(out long l) => l,
        JsonValue v when v.TryGetValue(out int i) => i,
        _ => throw new PduFormatException($"{name} must be an integer"),
    };
}
