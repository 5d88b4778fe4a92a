using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Events;

/// <summary>Event ids per room version, and v12 room ids derived from create events.</summary>
public static class EventIds
{
    /// <summary>
    /// The event's id: for v1–v2 the <c>event_id</c> it carries; from v3 <c>$</c> + the reference hash
    /// in base64 (v3 standard alphabet, v4+ URL-safe).
    /// </summary>
    public static string Compute(JsonObject pdu, RoomVersion version) => version.Rules.EventIdFormat switch
    {
        EventIdFormat.Opaque => pdu["event_id"] is JsonValue v && v.TryGetValue(out string? id)
            ? id
            : throw new PduFormatException("event_id is required in this room version"),
        _ => FromReferenceHash(EventHashes.ReferenceHash(pdu, version), version),
    };

    public static string FromReferenceHash(ReadOnlySpan<byte> referenceHash, RoomVersion version) =>
        version.Rules.EventIdFormat switch
        {
            EventIdFormat.Base64ReferenceHash => "$" + UnpaddedBase64.Encode(referenceHash),
            EventIdFormat.UrlSafeBase64ReferenceHash => "$" + UnpaddedBase64.EncodeUrlSafe(referenceHash),
            _ => throw new InvalidOperationException("event ids of this room version are not hashes"),
        };

    /// <summary>The room id named by a create event's id (v12: <c>!</c> instead of <c>$</c>).</summary>
    public static string RoomIdFromCreateEventId(string createEventId) =>
        createEventId.StartsWith('$') ? "!" + createEventId[1..] : throw new ArgumentException("not an event id", nameof(createEventId));

    /// <summary>The event id of a room's create event (v12: <c>$</c> instead of <c>!</c>).</summary>
    public static string CreateEventIdFromRoomId(string roomId) =>
        roomId.StartsWith('!') ? "$" + roomId[1..] : throw new ArgumentException("not a room id", nameof(roomId));
}
