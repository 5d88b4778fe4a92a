using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.StateResolution;

/// <summary>
/// Resolves several states of a room into one, with the algorithm of the room version
/// (<see cref="RoomVersionRules.StateResolution"/>). Pure and deterministic: the result depends
/// only on the state sets' contents and the events, not on the order of the sets.
/// </summary>
/// <remarks>
/// Events that <c>fetchEvent</c> cannot supply are treated as unavailable, as if they did not
/// exist: an unavailable conflicted event is not a candidate (its key may then be absent from the
/// result), an unavailable auth event ends an auth-chain walk and is not used in auth checks.
/// Unconflicted entries are kept as given. Cost grows with the conflicted events and their auth
/// chains; the unconflicted state is read once and only its auth edges are looked at.
/// </remarks>
public static class StateResolver
{
    /// <param name="fetchEvent">The event with an id, or null when it is not available.</param>
    /// <param name="authCheck">The authorization rules.</param>
    /// <param name="isRejected">Whether an event was rejected on receipt; rejected events never enter state nor authorise others.</param>
    public static IReadOnlyDictionary<TypeStateKey, string> Resolve(RoomVersion version,
        IReadOnlyList<IReadOnlyDictionary<TypeStateKey, string>> stateSets, Func<string, Pdu?> fetchEvent, AuthCheck authCheck,
        Func<string, bool>? isRejected = null)
    {
        if (stateSets.Count == 0) return new Dictionary<TypeStateKey, string>();
        if (stateSets.Count == 1) return new Dictionary<TypeStateKey, string>(stateSets[0]);
        var events = new EventLookup(fetchEvent, isRejected);
        return version.Rules.StateResolution switch
        {
            StateResolutionAlgorithm.V1 => StateResolverV1.Resolve(version, stateSets, events, authCheck),
            StateResolutionAlgorithm.V2 or StateResolutionAlgorithm.V2_1 => StateResolverV2.Resolve(version, stateSets, events, authCheck),
            var other => throw new ArgumentOutOfRangeException(nameof(version), other, "unknown state resolution algorithm"),
        };
    }
}
