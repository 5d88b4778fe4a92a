using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Events;

/// <summary>
/// The redaction algorithm (room versions spec, "Redactions"): keeps the top-level keys that
/// protocol needs and, per event type, the content keys that authorisation needs. Which keys
/// survive is decided by the room version's redaction flags. The result always has a
/// <c>content</c> object and never has <c>unsigned</c>.
/// </summary>
public static class Redaction
{
    private static readonly string[] SignaturesOnly = ["signatures"];

    /// <summary>Returns the redacted copy of an event; the input is not changed.</summary>
    public static JsonObject Redact(JsonObject pdu, RoomVersion version)
    {
        var rules = version.Rules;
        var redacted = new JsonObject();
        foreach (var (key, value) in pdu)
            if (key != "content" && KeepsTopLevelKey(key, rules))
                redacted[key] = value?.DeepClone();

        var content = new JsonObject();
        if (pdu["content"] is JsonObject original && TypeOf(pdu) is { } type)
        {
            foreach (var (key, value) in original)
            {
                if (!KeepsContentKey(type, key, value, rules)) continue;
                content[key] = IsThirdPartyInvite(type, key, rules)
                    ? ThirdPartyInviteSignedOnly((JsonObject)value!)
                    : value?.DeepClone();
            }
        }
        redacted["content"] = content;
        return redacted;
    }

    /// <summary>
    /// Writes the canonical JSON of the redacted event without <c>signatures</c> (the bytes that
    /// event signatures and reference hashes cover) without building the redacted copy.
    /// </summary>
    internal static void WriteSignedPart(CanonicalJsonWriter writer, JsonObject pdu, RoomVersion version)
    {
        if (pdu["content"] is not JsonObject content || TypeOf(pdu) is not { } type)
        {
            // Rare malformed shapes (no content to project): build the copy, which adds "content": {}.
            writer.WriteObject(Redact(pdu, version), SignaturesOnly);
            return;
        }
        var rules = version.Rules;
        writer.WriteObject(pdu, SignaturesOnly,
            (key, _) => KeepsTopLevelKey(key, rules),
            (w, key, _) =>
            {
                if (key != "content") return false;
                w.WriteObject(content, [],
                    (contentKey, value) => KeepsContentKey(type, contentKey, value, rules),
                    (inner, contentKey, value) =>
                    {
                        if (!IsThirdPartyInvite(type, contentKey, rules)) return false;
                        inner.WriteObject((JsonObject)value!, [], (inviteKey, _) => inviteKey == "signed", null);
                        return true;
                    });
                return true;
            });
    }

    private static bool KeepsTopLevelKey(string key, RoomVersionRules rules) => key switch
    {
        "event_id" or "type" or "room_id" or "sender" or "state_key" or "content" or "hashes" or "signatures"
            or "depth" or "prev_events" or "auth_events" or "origin_server_ts" => true,
        "origin" or "membership" or "prev_state" => rules.RedactionKeepsOriginMembershipPrevState,
        _ => false,
    };

    private static bool KeepsContentKey(string type, string key, JsonNode? value, RoomVersionRules rules) => type switch
    {
        "m.room.member" => key == "membership"
            || (key == "join_authorised_via_users_server" && rules.RedactionKeepsJoinAuthorisedVia)
            || (key == "third_party_invite" && rules.RedactionKeepsThirdPartyInviteSigned && value is JsonObject),
        "m.room.create" => rules.RedactionKeepsAllCreateContent || key == "creator",
        "m.room.join_rules" => key == "join_rule" || (key == "allow" && rules.RedactionKeepsJoinRulesAllow),
        "m.room.power_levels" => key is "ban" or "events" or "events_default" or "kick" or "redact" or "state_default"
            or "users" or "users_default" || (key == "invite" && rules.RedactionKeepsPowerLevelsInvite),
        "m.room.aliases" => key == "aliases" && rules.RedactionKeepsAliasesContent,
        "m.room.history_visibility" => key == "history_visibility",
        "m.room.redaction" => key == "redacts" && rules.RedactionKeepsRedactsContent,
        _ => false,
    };

    /// <summary>v11+: of m.room.member's third_party_invite only <c>signed</c> survives; an object without it stays {} (as in Synapse).</summary>
    private static bool IsThirdPartyInvite(string type, string key, RoomVersionRules rules) =>
        key == "third_party_invite" && type == "m.room.member" && rules.RedactionKeepsThirdPartyInviteSigned;

    private static JsonObject ThirdPartyInviteSignedOnly(JsonObject invite)
    {
        var kept = new JsonObject();
        if (invite.TryGetPropertyValue("signed", out var signed)) kept["signed"] = signed?.DeepClone();
        return kept;
    }

    private static string? TypeOf(JsonObject pdu) =>
        pdu["type"] is JsonValue value && value.TryGetValue(out string? type) ? type : null;
}
