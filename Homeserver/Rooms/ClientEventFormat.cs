using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;
using Homeserver.Storage.Events;

namespace Homeserver.Rooms;

/// <summary>
/// Turns a stored PDU into the Client-Server API's <c>ClientEvent</c>: the client-facing fields only
/// (no hashes, signatures, prev/auth events or depth), with <c>unsigned.age</c>, and redacted by the
/// room version's algorithm (with <c>unsigned.redacted_because</c>) when a redaction applies to it.
/// Sync omits <c>room_id</c> (<c>ClientEventWithoutRoomID</c>).
/// </summary>
public static class ClientEventFormat
{
    private static readonly string[] CopiedFields = ["type", "sender", "origin_server_ts", "state_key"];

    /// <param name="redactedBecause">The client form of the redaction that redacts this event, if any.</param>
    /// <param name="transactionId">The client's transaction id, only when the requesting device sent the event.</param>
    public static JsonObject Format(EventRecord stored, RoomVersion version, long nowMs, bool includeRoomId = true,
        JsonObject? redactedBecause = null, string? transactionId = null)
    {
        var ev = redactedBecause is not null ? Redacted(stored, version) : Unredacted(stored);
        if (includeRoomId) ev["room_id"] = stored.RoomId;
        // v11+ carry redacts in content; clients of older versions read the top-level key, so keep it there.
        if (stored.Redacts is not null && redactedBecause is null) ev["redacts"] = stored.Redacts;

        var unsigned = new JsonObject { ["age"] = Math.Max(0, nowMs - stored.OriginServerTs) };
        if (redactedBecause is not null) unsigned["redacted_because"] = redactedBecause;
        if (transactionId is not null) unsigned["transaction_id"] = transactionId;
        ev["unsigned"] = unsigned;
        return ev;
    }

    private static JsonObject Redacted(EventRecord stored, RoomVersion version)
    {
        var pdu = Redaction.Redact(JsonNode.Parse(stored.Json)!.AsObject(), version);
        var ev = new JsonObject
        {
            ["event_id"] = stored.EventId,
            ["content"] = pdu["content"]?.DeepClone() ?? new JsonObject(),
        };
        foreach (var field in CopiedFields)
            if (pdu[field] is { } value) ev[field] = value.DeepClone();
        return ev;
    }

    /// <summary>
    /// The fields read from the parsed document, without building nodes for the whole PDU: each is a copy of its own JSON
    /// (built into nodes only if something reads into it; the rest of the PDU is not kept), which sync does for thousands of events.
    /// </summary>
    private static JsonObject Unredacted(EventRecord stored)
    {
        using var document = JsonDocument.Parse(stored.Json);
        var pdu = document.RootElement;
        var ev = new JsonObject
        {
            ["event_id"] = stored.EventId,
            ["content"] = pdu.TryGetProperty("content", out var content) ? NodeOf(content) ?? new JsonObject() : new JsonObject(),
        };
        foreach (var field in CopiedFields)
            if (pdu.TryGetProperty(field, out var value) && NodeOf(value) is { } node) ev[field] = node;
        return ev;
    }

    /// <summary>The node of a copy of a JSON value (null for JSON null, as a parsed object's indexer gives it).</summary>
    private static JsonNode? NodeOf(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => JsonObject.Create(element.Clone()),
        JsonValueKind.Array => JsonArray.Create(element.Clone()),
        JsonValueKind.String => JsonValue.Create(element.GetString()),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => JsonValue.Create(element.Clone()),
    };
}
