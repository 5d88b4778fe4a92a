using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Authorization;

/// <summary>
/// The authorization rules of room versions 1–12 (the rooms/vN "Authorization rules" sections).
/// <see cref="Check"/> matches <see cref="AuthCheck"/>: it decides one event against an auth state
/// (the event's auth events, the state before it, or the current state). It applies every rule
/// except the two that need more than that state:
/// <list type="bullet">
/// <item>the checks on the event's own <c>auth_events</c> list (duplicates, unexpected entries,
/// rejected entries, room ids): <see cref="AuthEventSelection.AuthEventsListCheck"/>;</item>
/// <item>"validly signed by the homeserver of <c>join_authorised_via_users_server</c>": the
/// signature stage must require that server's signature (<see cref="JoinAuthorisation.RequiredSigningServer"/>);
/// here the value is only checked to be a user ID.</item>
/// </list>
/// The same check serves the three auth steps on receipt of a PDU: against the event's auth
/// events and against the state before it (failing either rejects the event), and against the
/// current state (failing only that soft-fails it).
/// Events are expected from the strict parser (no duplicate keys: System.Text.Json would only
/// notice them lazily, while the rules read the content).
/// Thread-safe and pure; parsed power levels and creators are cached per event instance.
/// </summary>
public sealed partial class EventAuthorizer
{
    /// <summary>The authorizer; it holds no state of its own, so one instance serves everyone.</summary>
    public static readonly EventAuthorizer Default = new();

    private EventAuthorizer()
    {
    }

    /// <summary>Decides whether <paramref name="ev"/> is allowed by <paramref name="authState"/>.</summary>
    /// <param name="authState">State keyed by (type, state_key); for v12 it includes the create event.</param>
    public AuthResult Check(RoomVersion version, Pdu ev, IReadOnlyDictionary<TypeStateKey, Pdu> authState)
    {
        var rules = version.Rules;
        var n = AuthRuleNumbers.For(version);

        if (ev.Type == AuthStateKeys.CreateType)
            return CheckCreate(rules, n, ev);

        if (!authState.TryGetValue(AuthStateKeys.Create, out var create))
            return rules.RoomIdIsCreateEventHash
                ? AuthResult.Reject(n.RoomIdIsCreateEvent, "the room's create event is not known")
                : AuthResult.Reject(n.AuthEvents + ".4", "there is no m.room.create event among the auth events");
        if (rules.RoomIdIsCreateEventHash)
        {
            if (!IsRoomIdOf(ev.RoomId, create.EventId))
                return AuthResult.Reject(n.RoomIdIsCreateEvent, $"room id {ev.RoomId} is not the id of create event {create.EventId}");
        }
        else if (create.RoomId != ev.RoomId)
            return AuthResult.Reject(n.AuthEvents + ".5", $"the create event belongs to room {create.RoomId}, not {ev.RoomId}");

        if (create.Content["m.federate"] is JsonValue federate && federate.GetValueKind() == JsonValueKind.False
            && ev.SenderServer != create.SenderServer)
            return AuthResult.Reject(n.Federate, "the room is not federated and the sender is on another server");

        if (rules.SpecialCaseAliasesAuth && ev.Type == "m.room.aliases")
        {
            if (ev.StateKey is null) return AuthResult.Reject(n.Aliases + ".1", "m.room.aliases without a state_key");
            return ev.StateKey == ev.SenderServer
                ? AuthResult.Allow
                : AuthResult.Reject(n.Aliases + ".2", "the state_key of m.room.aliases is not the sender's server");
        }

        var context = new RuleContext(rules, n, ev, authState, create, RoomCreators.Of(create),
            PowerLevels.Of(authState.GetValueOrDefault(AuthStateKeys.PowerLevels)));

        if (ev.Type == AuthStateKeys.MemberType)
            return CheckMember(context);

        if (context.MembershipOf(ev.Sender) != "join")
            return AuthResult.Reject(n.SenderJoined, $"sender {ev.Sender} is not joined to the room");

        var senderLevel = context.LevelOf(ev.Sender);
        if (ev.Type == AuthStateKeys.ThirdPartyInviteType)
            return senderLevel >= context.PowerLevels.Invite
                ? AuthResult.Allow
                : AuthResult.Reject(n.ThirdPartyInvite, $"sender's power level {senderLevel} is below the invite level {context.PowerLevels.Invite}");

        var required = context.PowerLevels.RequiredLevel(ev.Type, ev.IsState);
        if (required > senderLevel)
            return AuthResult.Reject(n.RequiredPowerLevel, $"{ev.Type} needs power level {required}, sender has {senderLevel}");

        if (ev.StateKey is { } stateKey && stateKey.StartsWith('@') && stateKey != ev.Sender)
            return AuthResult.Reject(n.StateKeyUserId, "a state_key starting with @ must be the sender's user ID");

        if (ev.Type == AuthStateKeys.PowerLevelsType)
            return CheckPowerLevels(context, senderLevel);

        if (rules.RedactionAuthChecksEventIdDomain && ev.Type == "m.room.redaction")
        {
            if (senderLevel >= context.PowerLevels.Redact) return AuthResult.Allow;
            return ev.Redacts is { } redacts && DomainOf(redacts) == DomainOf(ev.EventId)
                ? AuthResult.Allow
                : AuthResult.Reject(n.Redaction, "sender is below the redact level and the redacted event is from another server");
        }

        return AuthResult.Allow;
    }

    private static AuthResult CheckCreate(RoomVersionRules rules, AuthRuleNumbers n, Pdu ev)
    {
        // Not a numbered rule: the create event is the (m.room.create, "") state entry by definition.
        if (ev.StateKey != "")
            return AuthResult.Reject(n.Create, "m.room.create must have an empty state_key");
        if (ev.PrevEvents.Count > 0)
            return AuthResult.Reject(n.Create + ".1", "a create event must not have prev_events");
        if (rules.RoomIdIsCreateEventHash)
        {
            if (ev.Json["room_id"] is not null)
                return AuthResult.Reject(n.Create + ".2", "a create event must not have a room_id in this room version");
        }
        else if (DomainOf(ev.RoomId) != ev.SenderServer)
            return AuthResult.Reject(n.Create + ".2", "the room id's server is not the sender's server");

        if (ev.Content.TryGetPropertyValue("room_version", out var roomVersion)
            && !(roomVersion is JsonValue v && v.TryGetValue(out string? id) && RoomVersionRegistry.Find(id) is not null))
            return AuthResult.Reject(n.Create + ".3", "content.room_version is not a recognised room version");

        if (!rules.CreatorIsCreateEventSender && !ev.Content.ContainsKey("creator"))
            return AuthResult.Reject(n.Create + ".4", "content has no creator");

        if (rules.CreatorsHaveInfinitePower && ev.Content.TryGetPropertyValue("additional_creators", out var additional)
            && !IsArrayOfUserIds(additional))
            return AuthResult.Reject(n.Create + ".4", "additional_creators is not an array of valid user IDs");

        return AuthResult.Allow;
    }

    private static bool IsArrayOfUserIds(JsonNode? node)
    {
        if (node is not JsonArray array) return false;
        foreach (var item in array)
            if (item is not JsonValue v || !v.TryGetValue(out string? id) || !UserIdSyntax.IsValid(id))
                return false;
        return true;
    }

    /// <summary>v12: the room id is the create event's id with the <c>!</c> sigil instead of <c>$</c>.</summary>
    private static bool IsRoomIdOf(string roomId, string createEventId) =>
        roomId.Length == createEventId.Length && roomId.Length > 1 && roomId[0] == '!' && createEventId[0] == '$'
        && roomId.AsSpan(1).SequenceEqual(createEventId.AsSpan(1));

    /// <summary>The server part of a room or event id (after the first colon), or the empty string.</summary>
    private static string DomainOf(string id)
    {
        var colon = id.IndexOf(':');
        return colon < 0 ? "" : id[(colon + 1)..];
    }

    /// <summary>Everything the rules after the create/aliases rules read, looked up once.</summary>
    private sealed record RuleContext(
        RoomVersionRules Rules,
        AuthRuleNumbers Numbers,
        Pdu Event,
        IReadOnlyDictionary<TypeStateKey, Pdu> AuthState,
        Pdu Create,
        RoomCreators Creators,
        PowerLevels PowerLevels)
    {
        /// <summary>The user's <c>membership</c> in the auth state, or null when there is none.</summary>
        public string? MembershipOf(string userId) =>
            AuthState.TryGetValue(AuthStateKeys.Member(userId), out var member)
            && member.Content["membership"] is JsonValue v && v.TryGetValue(out string? membership)
                ? membership
                : null;

        public long LevelOf(string userId) => PowerLevels.UserLevel(userId, Creators);

        /// <summary>
        /// The join rule. Without a join rules event (or a readable <c>join_rule</c>) it is
        /// <c>invite</c>, as Synapse, gomatrixserverlib and ruma read it; the spec names no default.
        /// </summary>
        public string JoinRule =>
            AuthState.TryGetValue(AuthStateKeys.JoinRules, out var joinRules)
            && joinRules.Content["join_rule"] is JsonValue v && v.TryGetValue(out string? rule)
                ? rule
                : "invite";
    }
}
