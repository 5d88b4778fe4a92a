using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.StateResolution;

/// <summary>
/// The iterative auth checks: applies a sorted list of state events to a state map, each one only
/// if the authorization rules allow it against its auth state. An event's auth state is what its
/// own auth events give for the keys the rules consult, overridden by the state resolved so far.
/// </summary>
/// <remarks>
/// Events rejected on receipt (see <see cref="EventLookup.IsRejected"/>) never serve as auth events
/// and are not admitted into state. Unavailable events are skipped. Where the create event is not
/// among the auth events (room v12) it is taken from the room id, as the auth rules expect it.
/// </remarks>
public static class IterativeAuthChecks
{
    public static Dictionary<TypeStateKey, string> Apply(RoomVersion version, IReadOnlyDictionary<TypeStateKey, string> initialState,
        IEnumerable<string> sortedEventIds, EventLookup events, AuthCheck authCheck)
    {
        var state = new Dictionary<TypeStateKey, string>(initialState);
        foreach (var id in sortedEventIds)
        {
            if (events.Get(id) is not { IsState: true } ev || events.IsRejected(id)) continue;
            if (authCheck(version, ev, AuthStateFor(ev, state, events)).Allowed)
                state[ev.StateEntryKey] = id;
        }
        return state;
    }

    /// <summary>The auth state of <paramref name="ev"/> against the partially resolved <paramref name="state"/>.</summary>
    public static Dictionary<TypeStateKey, Pdu> AuthStateFor(Pdu ev, IReadOnlyDictionary<TypeStateKey, string> state, EventLookup events)
    {
        var keys = AuthEventSelection.StateReadByAuthRules(ev);
        var authState = new Dictionary<TypeStateKey, Pdu>(keys.Count);
        foreach (var authId in ev.AuthEvents)
            if (events.Get(authId) is { IsState: true } auth && keys.Contains(auth.StateEntryKey) && !events.IsRejected(authId))
                authState[auth.StateEntryKey] = auth;

        foreach (var key in keys)
            if (state.TryGetValue(key, out var resolvedId) && events.Get(resolvedId) is { } resolved && !events.IsRejected(resolvedId))
                authState[key] = resolved;

        var createKey = new TypeStateKey(EventTypeNames.Create, "");
        if (keys.Count > 0 && !authState.ContainsKey(createKey) && events.CreateEventFor(ev) is { } create && !events.IsRejected(create.EventId))
            authState[createKey] = create;
        return authState;
    }
}
