using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.StateResolution;

/// <summary>
/// State resolution v2 (rooms v2–v11) and v2.1 (room v12, MSC4297: the iterative auth checks of
/// the power events start from an empty map, and the conflicted state subgraph joins the full
/// conflicted set).
/// </summary>
public static class StateResolverV2
{
    private static readonly TypeStateKey PowerLevelsKey = new(EventTypeNames.PowerLevels, "");

    public static Dictionary<TypeStateKey, string> Resolve(RoomVersion version, IReadOnlyList<IReadOnlyDictionary<TypeStateKey, string>> stateSets,
        EventLookup events, AuthCheck authCheck)
    {
        var isV21 = version.Rules.StateResolution == StateResolutionAlgorithm.V2_1;
        var split = ConflictedStateSplit.Split(stateSets, missingKeyConflicts: true);
        if (split.Conflicted.Count == 0) return new Dictionary<TypeStateKey, string>(split.Unconflicted);

        // The full conflicted set, keeping only the events we actually have.
        var conflictedEvents = split.Conflicted.Values.SelectMany(ids => ids).ToHashSet(StringComparer.Ordinal);
        var fullConflictedSet = AuthDifference.Compute(stateSets, split, events.AuthEventsOf, events.AuthEventsOfUncached);
        fullConflictedSet.UnionWith(conflictedEvents);
        if (isV21) fullConflictedSet.UnionWith(ConflictedSubgraph.Compute(conflictedEvents, events.AuthEventsOf));
        fullConflictedSet.RemoveWhere(id => events.Get(id) is null);

        // 1–2. Power events and the conflicted parts of their auth chains, checked in power order.
        var powerLevels = new SenderPowerLevels(events);
        var powerEvents = fullConflictedSet.Where(id => PowerEvents.IsPowerEvent(events.Get(id)!));
        var sortedPowerEvents = ReverseTopologicalPowerOrdering.Sort(powerEvents, fullConflictedSet, events, powerLevels);
        var baseState = isV21 ? new Dictionary<TypeStateKey, string>() : BaseState(split, fullConflictedSet, events);
        var partial = IterativeAuthChecks.Apply(version, baseState, sortedPowerEvents, events, authCheck);

        // 3–4. Everything else, in mainline order of the resolved power levels.
        var sortedSet = sortedPowerEvents.ToHashSet(StringComparer.Ordinal);
        var others = MainlineOrdering.Sort(fullConflictedSet.Where(id => !sortedSet.Contains(id)),
            partial.GetValueOrDefault(PowerLevelsKey), events);
        var resolved = IterativeAuthChecks.Apply(version, partial, others, events, authCheck);

        // 5. The unconflicted state map wins (copied whole: the fastest way to build a big map).
        var result = new Dictionary<TypeStateKey, string>(split.Unconflicted);
        foreach (var (key, id) in resolved) result.TryAdd(key, id);
        return result;
    }

    /// <summary>
    /// The part of the unconflicted state map the auth checks can read: the power levels and the
    /// auth keys of the full conflicted set. The rest is laid back on in step 5, so leaving it out
    /// changes nothing but keeps the work independent of the room's size.
    /// </summary>
    private static Dictionary<TypeStateKey, string> BaseState(ConflictedStateSplit split, HashSet<string> fullConflictedSet, EventLookup events)
    {
        var baseState = new Dictionary<TypeStateKey, string>();
        void Take(TypeStateKey key)
        {
            if (split.Unconflicted.TryGetValue(key, out var id)) baseState[key] = id;
        }
        Take(PowerLevelsKey);
        foreach (var id in fullConflictedSet)
            foreach (var key in AuthEventSelection.StateReadByAuthRules(events.Get(id)!))
                Take(key);
        return baseState;
    }
}
