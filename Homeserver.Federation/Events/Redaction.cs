using System.Text.Json.Nodes;
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
    private static readonly string[] TopLevelKeys =
    [
        "event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures",
        "depth", "prev_events", "auth_events", "origin_server_ts",
    ];

    private static readonly string[] LegacyTopLevelKeys = ["origin", "membership", "prev_state"];

    private static readonly string[] PowerLevelsKeys =
        ["ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default"];

    /// <summary>Returns the redacted copy of an event; the input is not changed.</summary>
    public static JsonObject Redact(JsonObject pdu, RoomVersion version)
    {
        var rules = version.Rules;
        var redacted = new JsonObject();
        foreach (var key in TopLevelKeys)
            CopyIfPresent(pdu, redacted, key);
        if (rules.RedactionKeepsOriginMembershipPrevState)
            foreach (var key in LegacyTopLevelKeys)
                CopyIfPresent(pdu, redacted, key);

        var content = pdu["content"] as JsonObject;
        redacted["content"] = content is null || pdu["type"] is not JsonValue typeValue || !typeValue.TryGetValue(out string? type)
            ? new JsonObject()
            : RedactContent(type, content, rules);
        return redacted;
    }

    private static JsonObject RedactContent(string type, JsonObject content, RoomVersionRules rules)
    {
        var kept = new JsonObject();
        switch (type)
        {
            case "m.room.member":
                CopyIfPresent(content, kept, "membership");
                if (rules.RedactionKeepsJoinAuthorisedVia) CopyIfPresent(content, kept, "join_authorised_via_users_server");
                if (rules.RedactionKeepsThirdPartyInviteSigned && content["third_party_invite"] is JsonObject invite)
                {
                    // Only `signed` survives; an invite object without it stays as {} (as Synapse does).
                    var keptInvite = new JsonObject();
                    CopyIfPresent(invite, keptInvite, "signed");
                    kept["third_party_invite"] = keptInvite;
                }
                break;
            case "m.room.create":
                if (rules.RedactionKeepsAllCreateContent) return content.DeepClone().AsObject();
                CopyIfPresent(content, kept, "creator");
                break;
            case "m.room.join_rules":
                CopyIfPresent(content, kept, "join_rule");
                if (rules.RedactionKeepsJoinRulesAllow) CopyIfPresent(content, kept, "allow");
                break;
            case "m.room.power_levels":
                foreach (var key in PowerLevelsKeys) CopyIfPresent(content, kept, key);
                if (rules.RedactionKeepsPowerLevelsInvite) CopyIfPresent(content, kept, "invite");
                break;
            case "m.room.aliases":
                if (rules.RedactionKeepsAliasesContent) CopyIfPresent(content, kept, "aliases");
                break;
            case "m.room.history_visibility":
                CopyIfPresent(content, kept, "history_visibility");
                break;
            case "m.room.redaction":
                if (rules.RedactionKeepsRedactsContent) CopyIfPresent(content, kept, "redacts");
                break;
        }
        return kept;
    }

    private static void CopyIfPresent(JsonObject from, JsonObject to, string key)
    {
        if (from.TryGetPropertyValue(key, out var value)) to[key] = value?.DeepClone();
    }
}
