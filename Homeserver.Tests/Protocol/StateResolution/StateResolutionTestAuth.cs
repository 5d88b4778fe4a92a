using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Tests.Protocol.StateResolution;

/// <summary>
/// The one place the state resolution tests get their <see cref="AuthCheck"/> from.
/// Until the real authorization rules (EventAuthorizer.Check) are merged, <see cref="Check"/> is a
/// test-only subset of the spec's auth rules, enough for the events in the vectors: the create
/// event, the creator's first join, join rules (public/invite), invite, leave/kick, ban, sender
/// must be joined, event levels with state_default/events_default, and power level changes.
/// Knocks, restricted joins, third-party invites and redactions are rejected or not modelled.
/// At merge, replace the body of <see cref="Check"/> with the real authorizer.
/// </summary>
public static class StateResolutionTestAuth
{
    public static readonly AuthCheck Check = SimplifiedRules;

    private static AuthResult SimplifiedRules(RoomVersion version, Pdu ev, IReadOnlyDictionary<TypeStateKey, Pdu> authState)
    {
        if (ev is { Type: "m.room.create", StateKey: "" })
            return ev.PrevEvents.Count == 0 ? AuthResult.Allow : AuthResult.Reject("create", "create event has prev_events");
        if (!authState.TryGetValue(new("m.room.create", ""), out var create))
            return AuthResult.Reject("create", "no create event in auth state");

        var levels = new Levels(version, create, authState.GetValueOrDefault(new("m.room.power_levels", "")));
        if (ev.Type == "m.room.member") return CheckMembership(ev, create, authState, levels);

        if (MembershipOf(authState, ev.Sender) != "join") return AuthResult.Reject("sender-joined", "sender is not joined");
        var senderLevel = levels.Of(ev.Sender);
        if (senderLevel < levels.Required(ev)) return AuthResult.Reject("event-level", "sender's power level is too low");
        if (ev.StateKey is { } sk && sk.StartsWith('@') && sk != ev.Sender)
            return AuthResult.Reject("user-state-key", "state key is another user's id");
        if (ev is { Type: "m.room.power_levels", StateKey: "" }) return CheckPowerLevels(ev, levels, senderLevel);
        return AuthResult.Allow;
    }

    private static AuthResult CheckMembership(Pdu ev, Pdu create, IReadOnlyDictionary<TypeStateKey, Pdu> authState, Levels levels)
    {
        var target = ev.StateKey;
        if (target is null) return AuthResult.Reject("member", "no state key");
        var membership = StringAt(ev.Content, "membership");
        var targetMembership = MembershipOf(authState, target);
        var senderMembership = MembershipOf(authState, ev.Sender);
        var joinRule = authState.TryGetValue(new("m.room.join_rules", ""), out var jr) ? StringAt(jr.Content, "join_rule") : null;
        var senderLevel = levels.Of(ev.Sender);

        switch (membership)
        {
            case "join":
                if (ev.PrevEvents.Count == 1 && ev.PrevEvents[0] == create.EventId && target == levels.Creator)
                    return AuthResult.Allow;
                if (ev.Sender != target) return AuthResult.Reject("join", "sender is not the target");
                if (targetMembership == "ban") return AuthResult.Reject("join", "target is banned");
                if (joinRule == "public") return AuthResult.Allow;
                if (joinRule == "invite" && targetMembership is "join" or "invite") return AuthResult.Allow;
                return AuthResult.Reject("join", "join rules do not allow this join");
            case "invite":
                if (senderMembership != "join") return AuthResult.Reject("invite", "sender is not joined");
                if (targetMembership is "join" or "ban") return AuthResult.Reject("invite", "target is joined or banned");
                return senderLevel >= levels.Named("invite", 0) ? AuthResult.Allow : AuthResult.Reject("invite", "power too low");
            case "leave":
                if (ev.Sender == target)
                    return targetMembership is "join" or "invite" or "knock" ? AuthResult.Allow : AuthResult.Reject("leave", "not in the room");
                if (senderMembership != "join") return AuthResult.Reject("kick", "sender is not joined");
                if (targetMembership == "ban" && senderLevel < levels.Named("ban", 50)) return AuthResult.Reject("kick", "cannot unban");
                return senderLevel >= levels.Named("kick", 50) && levels.Of(target) < senderLevel
                    ? AuthResult.Allow : AuthResult.Reject("kick", "power too low");
            case "ban":
                if (senderMembership != "join") return AuthResult.Reject("ban", "sender is not joined");
                return senderLevel >= levels.Named("ban", 50) && levels.Of(target) < senderLevel
                    ? AuthResult.Allow : AuthResult.Reject("ban", "power too low");
            default:
                return AuthResult.Reject("member", "membership not modelled by the test rules");
        }
    }

    private static AuthResult CheckPowerLevels(Pdu ev, Levels levels, long senderLevel)
    {
        if (levels.PowerLevels is not { } current) return AuthResult.Allow;
        var oldContent = current.Content;
        var newContent = ev.Content;
        foreach (var name in new[] { "users_default", "events_default", "state_default", "ban", "redact", "kick", "invite" })
            if (!ChangeAllowed(Level(oldContent[name]), Level(newContent[name]), senderLevel, otherUser: false))
                return AuthResult.Reject("power-levels", $"{name} change beyond sender's level");
        foreach (var map in new[] { "events", "users" })
        {
            var oldMap = oldContent[map] as JsonObject;
            var newMap = newContent[map] as JsonObject;
            var names = (oldMap?.Select(p => p.Key) ?? []).Union(newMap?.Select(p => p.Key) ?? [], StringComparer.Ordinal);
            foreach (var name in names)
                if (!ChangeAllowed(Level(oldMap?[name]), Level(newMap?[name]), senderLevel, otherUser: map == "users" && name != ev.Sender))
                    return AuthResult.Reject("power-levels", $"{map}.{name} change beyond sender's level");
        }
        return AuthResult.Allow;
    }

    private static bool ChangeAllowed(long? oldValue, long? newValue, long senderLevel, bool otherUser)
    {
        if (oldValue == newValue) return true;
        if (oldValue is { } o && (o > senderLevel || (otherUser && o >= senderLevel))) return false;
        return newValue is not { } n || n <= senderLevel;
    }

    private static string? MembershipOf(IReadOnlyDictionary<TypeStateKey, Pdu> authState, string userId) =>
        authState.TryGetValue(new("m.room.member", userId), out var member) ? StringAt(member.Content, "membership") : null;

    private static string? StringAt(JsonObject content, string name) =>
        content[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static long? Level(JsonNode? node) => node is JsonValue v && v.TryGetValue(out long l) ? l : null;

    /// <summary>Power levels as the auth state defines them (creator 100 without a power levels event; v12 creators infinite).</summary>
    private sealed class Levels(RoomVersion version, Pdu create, Pdu? powerLevels)
    {
        public Pdu? PowerLevels => powerLevels;

        public string? Creator => version.Rules.CreatorIsCreateEventSender ? create.Sender : StringAt(create.Content, "creator");

        public long Of(string userId)
        {
            if (version.Rules.CreatorsHaveInfinitePower && (userId == create.Sender
                || (create.Content["additional_creators"] as JsonArray)?.Any(n => n?.GetValue<string>() == userId) == true))
                return long.MaxValue;
            if (powerLevels is null) return userId == Creator ? 100 : 0;
            return Level((powerLevels.Content["users"] as JsonObject)?[userId]) ?? Level(powerLevels.Content["users_default"]) ?? 0;
        }

        public long Named(string name, long fallback) => powerLevels is null ? fallback : Level(powerLevels.Content[name]) ?? fallback;

        public long Required(Pdu ev)
        {
            if (powerLevels is null) return 0;
            if (Level((powerLevels.Content["events"] as JsonObject)?[ev.Type]) is { } level) return level;
            return ev.IsState ? Named("state_default", 50) : Named("events_default", 0);
        }
    }
}
