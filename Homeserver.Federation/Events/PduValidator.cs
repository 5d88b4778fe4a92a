using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Identifiers;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Events;

/// <summary>
/// Checks that a PDU has the format of its room version (PDU schemas, identifier grammars, size
/// limits) and says what is wrong when it has not. Hashes, signatures and authorisation are
/// checked elsewhere.
/// </summary>
public static class PduValidator
{
    public static void Validate(JsonObject pdu, RoomVersion version)
    {
        if (!TryValidate(pdu, version, out var reason)) throw new PduFormatException(reason);
    }

    public static bool TryValidate(JsonObject pdu, RoomVersion version, out string reason)
    {
        reason = Check(pdu, version) ?? "";
        return reason.Length == 0;
    }

    private static string? Check(JsonObject pdu, RoomVersion version)
    {
        var rules = version.Rules;
        int size;
        try
        {
            size = CanonicalJson.EncodedLength(pdu);
        }
        catch (CanonicalJsonException e)
        {
            return "the event cannot be encoded as canonical JSON: " + e.Message;
        }
        if (size > PduLimits.MaxEventBytes) return $"the event is {size} bytes, more than {PduLimits.MaxEventBytes}";

        if (String(pdu, "type", out var type) is { } typeError) return typeError;
        if (TooLong(type!)) return $"type is longer than {PduLimits.MaxFieldBytes} bytes";

        if (String(pdu, "sender", out var sender) is { } senderError) return senderError;
        if (!UserId.IsValid(sender)) return $"sender \"{sender}\" is not a valid user id";

        string? stateKey = null;
        if (pdu.ContainsKey("state_key"))
        {
            if (String(pdu, "state_key", out stateKey) is { } stateKeyError) return stateKeyError;
            if (TooLong(stateKey!)) return $"state_key is longer than {PduLimits.MaxFieldBytes} bytes";
        }

        var isHashRoomCreate = rules.RoomIdIsCreateEventHash && type == "m.room.create" && stateKey == "";
        if (isHashRoomCreate)
        {
            if (pdu.ContainsKey("room_id")) return "a create event must not have room_id in this room version";
        }
        else
        {
            if (String(pdu, "room_id", out var roomId) is { } roomError) return roomError;
            if (!RoomId.IsValid(roomId, version)) return $"room_id \"{roomId}\" is not a valid room id for room version {version.Id}";
        }

        if (rules.EventIdFormat == EventIdFormat.Opaque)
        {
            if (String(pdu, "event_id", out var eventId) is { } idError) return idError;
            if (!EventId.IsValid(eventId, version)) return $"event_id \"{eventId}\" is not a valid event id for room version {version.Id}";
        }

        if (pdu["content"] is not JsonObject) return "content must be an object";
        if (Integer(pdu, "origin_server_ts", rules, out _) is { } tsError) return tsError;
        if (Integer(pdu, "depth", rules, out var depth) is { } depthError) return depthError;
        if (depth < 0) return "depth must not be negative";
        if (CheckHashes(pdu) is { } hashesError) return hashesError;
        if (CheckSignatures(pdu) is { } signaturesError) return signaturesError;
        if (pdu.ContainsKey("unsigned") && pdu["unsigned"] is not JsonObject) return "unsigned must be an object";
        if (CheckReferences(pdu, "prev_events", PduLimits.MaxPrevEvents, version) is { } prevError) return prevError;
        if (CheckReferences(pdu, "auth_events", PduLimits.MaxAuthEvents, version) is { } authError) return authError;
        return CheckRedacts(pdu, type!, version);
    }

    private static string? CheckHashes(JsonObject pdu)
    {
        if (pdu["hashes"] is not JsonObject hashes) return "hashes must be an object";
        return hashes["sha256"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? null : "hashes.sha256 must be a string";
    }

    private static string? CheckSignatures(JsonObject pdu)
    {
        if (pdu["signatures"] is not JsonObject signatures) return "signatures must be an object";
        foreach (var (server, byKey) in signatures)
        {
            if (byKey is not JsonObject keys) return $"signatures of {server} must be an object";
            foreach (var (keyId, signature) in keys)
                if (signature is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
                    return $"signature {server} {keyId} must be a string";
        }
        return null;
    }

    private static string? CheckReferences(JsonObject pdu, string name, int max, RoomVersion version)
    {
        if (pdu[name] is not JsonArray references) return $"{name} must be an array";
        if (references.Count > max) return $"{name} has {references.Count} entries, more than {max}";
        foreach (var entry in references)
        {
            JsonNode? id = entry;
            if (version.Rules.EventReferencesAreHashPairs)
            {
                if (entry is not JsonArray { Count: 2 } pair || pair[1] is not JsonObject)
                    return $"{name} entries must be [event id, hashes] pairs in room version {version.Id}";
                id = pair[0];
            }
            if (id is not JsonValue v || !v.TryGetValue(out string? text) || !EventId.IsValid(text, version))
                return $"{name} contains an invalid event id for room version {version.Id}";
        }
        return null;
    }

    private static string? CheckRedacts(JsonObject pdu, string type, RoomVersion version)
    {
        if (type != "m.room.redaction") return null;
        if (pdu.ContainsKey("redacts") && (pdu["redacts"] is not JsonValue top || !top.TryGetValue(out string? topId) || !EventId.IsValid(topId, version)))
            return "redacts must be a valid event id";
        var content = (JsonObject)pdu["content"]!;
        if (version.Rules.RedactsInContent && content.ContainsKey("redacts") &&
            (content["redacts"] is not JsonValue inner || !inner.TryGetValue(out string? innerId) || !EventId.IsValid(innerId, version)))
            return "content.redacts must be a valid event id";
        return null;
    }

    private static string? String(JsonObject pdu, string name, out string? value)
    {
        value = null;
        if (!pdu.TryGetPropertyValue(name, out var node) || node is null) return $"{name} is required";
        return node is JsonValue v && v.TryGetValue(out value) ? null : $"{name} must be a string";
    }

    private static string? Integer(JsonObject pdu, string name, RoomVersionRules rules, out long value)
    {
        value = 0;
        if (!pdu.TryGetPropertyValue(name, out var node) || node is null) return $"{name} is required";
        if (!TryGetInteger(node, out value)) return $"{name} must be an integer";
        if (rules.StrictCanonicalJson && Math.Abs(value) > CanonicalJsonReader.MaxSafeInteger)
            return $"{name} is outside ±(2^53−1)";
        return null;
    }

    private static bool TryGetInteger(JsonNode node, out long value)
    {
        value = 0;
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number) return false;
        if (v.TryGetValue(out value)) return true;
        if (!v.TryGetValue(out int small)) return false;
        value = small;
        return true;
    }

    private static bool TooLong(string text) => Encoding.UTF8.GetByteCount(text) > PduLimits.MaxFieldBytes;
}
