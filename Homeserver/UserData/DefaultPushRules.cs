using System.Text.Json.Nodes;

namespace Homeserver.UserData;

/// <summary>
/// The server-default push rules of the spec (v1.19, "Predefined Rules"), in the spec's order and kinds,
/// with the user's id where the spec says "[the user's Matrix ID]". Since v1.17 the spec defines no
/// default content rules: the legacy body-matching rules (<c>.m.rule.contains_user_name</c>,
/// <c>.m.rule.contains_display_name</c>, <c>.m.rule.roomnotif</c>) were removed in favour of intentional
/// mentions (<c>.m.rule.is_user_mention</c>, <c>.m.rule.is_room_mention</c>).
/// </summary>
public static class DefaultPushRules
{
    /// <summary>A fresh ruleset (<c>override</c>, <c>content</c>, <c>room</c>, <c>sender</c>, <c>underride</c>) for the user.</summary>
    public static JsonObject For(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return new JsonObject
        {
            [PushRuleKinds.Override] = new JsonArray(Overrides(userId)),
            [PushRuleKinds.Content] = new JsonArray(),
            [PushRuleKinds.Room] = new JsonArray(),
            [PushRuleKinds.Sender] = new JsonArray(),
            [PushRuleKinds.Underride] = new JsonArray(Underrides()),
        };
    }

    private static JsonNode[] Overrides(string userId) =>
    [
        Rule(".m.rule.master", enabled: false, [], []),
        Rule(".m.rule.suppress_notices", enabled: true,
            [EventMatch("content.msgtype", "m.notice")],
            []),
        Rule(".m.rule.invite_for_me", enabled: true,
            [EventMatch("type", "m.room.member"), EventMatch("content.membership", "invite"), EventMatch("state_key", userId)],
            [Notify(), Sound("default")]),
        Rule(".m.rule.member_event", enabled: true,
            [EventMatch("type", "m.room.member")],
            []),
        Rule(".m.rule.is_user_mention", enabled: true,
            [new JsonObject { ["kind"] = "event_property_contains", ["key"] = @"content.m\.mentions.user_ids", ["value"] = userId }],
            [Notify(), Sound("default"), Highlight()]),
        Rule(".m.rule.is_room_mention", enabled: true,
            [
                new JsonObject { ["kind"] = "event_property_is", ["key"] = @"content.m\.mentions.room", ["value"] = true },
                new JsonObject { ["kind"] = "sender_notification_permission", ["key"] = "room" },
            ],
            [Notify(), Highlight()]),
        Rule(".m.rule.tombstone", enabled: true,
            [EventMatch("type", "m.room.tombstone"), EventMatch("state_key", "")],
            [Notify(), Highlight()]),
        Rule(".m.rule.reaction", enabled: true,
            [EventMatch("type", "m.reaction")],
            []),
        Rule(".m.rule.room.server_acl", enabled: true,
            [EventMatch("type", "m.room.server_acl"), EventMatch("state_key", "")],
            []),
        Rule(".m.rule.suppress_edits", enabled: true,
            [new JsonObject { ["kind"] = "event_property_is", ["key"] = @"content.m\.relates_to.rel_type", ["value"] = "m.replace" }],
            []),
    ];

    private static JsonNode[] Underrides() =>
    [
        Rule(".m.rule.call", enabled: true,
            [EventMatch("type", "m.call.invite")],
            [Notify(), Sound("ring")]),
        Rule(".m.rule.encrypted_room_one_to_one", enabled: true,
            [MemberCount("2"), EventMatch("type", "m.room.encrypted")],
            [Notify(), Sound("default")]),
        Rule(".m.rule.room_one_to_one", enabled: true,
            [MemberCount("2"), EventMatch("type", "m.room.message")],
            [Notify(), Sound("default")]),
        Rule(".m.rule.message", enabled: true,
            [EventMatch("type", "m.room.message")],
            [Notify()]),
        Rule(".m.rule.encrypted", enabled: true,
            [EventMatch("type", "m.room.encrypted")],
            [Notify()]),
    ];

    private static JsonObject Rule(string ruleId, bool enabled, JsonNode[] conditions, JsonNode[] actions) => new()
    {
        ["rule_id"] = ruleId,
        ["default"] = true,
        ["enabled"] = enabled,
        ["conditions"] = new JsonArray(conditions),
        ["actions"] = new JsonArray(actions),
    };

    private static JsonObject EventMatch(string key, string pattern) =>
        new() { ["kind"] = "event_match", ["key"] = key, ["pattern"] = pattern };

    private static JsonObject MemberCount(string @is) => new() { ["kind"] = "room_member_count", ["is"] = @is };

    private static JsonNode Notify() => JsonValue.Create("notify");

    private static JsonObject Sound(string sound) => new() { ["set_tweak"] = "sound", ["value"] = sound };

    private static JsonObject Highlight() => new() { ["set_tweak"] = "highlight" };
}
