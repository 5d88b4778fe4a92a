using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Authorization;

/// <summary>
/// The server-server "auth events selection": which state entries an event's <c>auth_events</c>
/// should name, and the auth rules' checks on an event's <c>auth_events</c> list.
/// </summary>
public static class AuthEventSelection
{
    /// <summary>
    /// The (type, state_key) pairs to take from the current state (each "if any") as the auth
    /// events of a new event: nothing for a create event; otherwise the create event (v1–v11),
    /// the power levels, the sender's member event, and for member events the target's member
    /// event, the join rules (join, invite, knock), the third-party invite of
    /// <c>signed.token</c> (invite) and the authorising user's member event (restricted join).
    /// </summary>
    public static IReadOnlyList<TypeStateKey> Select(RoomVersion version, string type, string? stateKey, string sender, JsonObject content)
    {
        if (type == AuthStateKeys.CreateType && stateKey == "") return [];
        var keys = new List<TypeStateKey>(6);
        if (version.Rules.CreateEventInAuthEvents) keys.Add(AuthStateKeys.Create);
        keys.Add(AuthStateKeys.PowerLevels);
        keys.Add(AuthStateKeys.Member(sender));
        if (type != AuthStateKeys.MemberType || stateKey is null) return keys;

        AddOnce(keys, AuthStateKeys.Member(stateKey));
        var membership = content["membership"] is JsonValue m && m.TryGetValue(out string? value) ? value : null;
        if (membership is "join" or "invite" or "knock")
            keys.Add(AuthStateKeys.JoinRules);
        if (membership == "invite" && content["third_party_invite"] is JsonObject tpi && tpi["signed"] is JsonObject signed
            && signed["token"] is JsonValue t && t.TryGetValue(out string? token))
            keys.Add(AuthStateKeys.ThirdPartyInvite(token));
        if (membership == "join" && version.Rules.RestrictedJoinsAllowed
            && content[JoinAuthorisation.ContentKey] is JsonValue via && via.TryGetValue(out string? authoriser))
            AddOnce(keys, AuthStateKeys.Member(authoriser));
        return keys;
    }

    /// <inheritdoc cref="Select(RoomVersion, string, string?, string, JsonObject)"/>
    public static IReadOnlyList<TypeStateKey> Select(RoomVersion version, Pdu ev) =>
        Select(version, ev.Type, ev.StateKey, ev.Sender, ev.Content);

    /// <summary>
    /// The state entries the auth rules read for <paramref name="ev"/>: its <see cref="Select(RoomVersion, Pdu)"/>
    /// keys plus, where the version leaves it out of auth_events (v12), the create event, which the
    /// rules still consult. State resolution builds each event's auth state from these.
    /// </summary>
    public static IReadOnlyList<TypeStateKey> StateReadByAuthRules(Pdu ev)
    {
        var keys = Select(ev.RoomVersion, ev);
        return keys.Count == 0 || ev.RoomVersion.Rules.CreateEventInAuthEvents ? keys : [AuthStateKeys.Create, .. keys];
    }

    /// <summary>
    /// The rules on the event's <c>auth_events</c> list (rule 2 in v1–v11, rule 3 in v12): no two
    /// entries for one (type, state_key); nothing the selection would not pick; no rejected entry;
    /// a create event among them (v1–v11); all in the event's room. A create event needs none of this.
    /// </summary>
    /// <param name="authEvents">The events named by <c>ev.AuthEvents</c>, in the same order.</param>
    /// <param name="isRejected">Whether an auth event was itself rejected (the caller's store knows).</param>
    public static AuthResult AuthEventsListCheck(RoomVersion version, Pdu ev, IReadOnlyList<Pdu> authEvents, Func<Pdu, bool>? isRejected = null)
    {
        var n = AuthRuleNumbers.For(version);
        if (ev.Type == AuthStateKeys.CreateType) return AuthResult.Allow;

        if (authEvents.Count != ev.AuthEvents.Count)
            return AuthResult.Reject(n.AuthEvents, $"{authEvents.Count} auth events given for {ev.AuthEvents.Count} listed");
        for (var i = 0; i < authEvents.Count; i++)
            if (authEvents[i].EventId != ev.AuthEvents[i])
                return AuthResult.Reject(n.AuthEvents, $"auth event {authEvents[i].EventId} is not the listed {ev.AuthEvents[i]}");

        var expected = Select(version, ev);
        var seen = new HashSet<TypeStateKey>();
        var hasCreate = false;
        foreach (var authEvent in authEvents)
        {
            if (authEvent.StateKey is null)
                return AuthResult.Reject(n.AuthEvents + ".2", $"auth event {authEvent.EventId} is not a state event");
            var key = authEvent.StateEntryKey;
            if (!seen.Add(key))
                return AuthResult.Reject(n.AuthEvents + ".1", $"more than one auth event for {key}");
            if (!expected.Contains(key))
                return AuthResult.Reject(n.AuthEvents + ".2", $"auth event {authEvent.EventId} for {key} is not one the event needs");
            if (isRejected?.Invoke(authEvent) == true)
                return AuthResult.Reject(n.AuthEvents + ".3", $"auth event {authEvent.EventId} was rejected");
            hasCreate |= key == AuthStateKeys.Create;
        }

        if (version.Rules.CreateEventInAuthEvents && !hasCreate)
            return AuthResult.Reject(n.AuthEvents + ".4", "there is no m.room.create event among the auth events");
        foreach (var authEvent in authEvents)
            if (authEvent.RoomId != ev.RoomId)
                return AuthResult.Reject(n.AuthEvents + ".5", $"auth event {authEvent.EventId} is in room {authEvent.RoomId}");
        return AuthResult.Allow;
    }

    /// <summary>
    /// The auth state an event's auth events give: each keyed by its (type, state_key). For v12,
    /// whose auth events never include the create event, pass it as <paramref name="createEvent"/>.
    /// Non-state events are skipped; on duplicate keys the last wins (the list check rejects those).
    /// </summary>
    public static Dictionary<TypeStateKey, Pdu> ToAuthState(IEnumerable<Pdu> authEvents, Pdu? createEvent = null)
    {
        var state = new Dictionary<TypeStateKey, Pdu>();
        if (createEvent is not null) state[AuthStateKeys.Create] = createEvent;
        foreach (var authEvent in authEvents)
            if (authEvent.StateKey is not null)
                state[authEvent.StateEntryKey] = authEvent;
        return state;
    }

    private static void AddOnce(List<TypeStateKey> keys, TypeStateKey key)
    {
        if (!keys.Contains(key)) keys.Add(key);
    }
}
