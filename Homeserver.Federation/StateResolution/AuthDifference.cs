using Homeserver.Federation.Events;

namespace Homeserver.Federation.StateResolution;

/// <summary>
/// The auth difference of state sets S1..Sn: with Ci the full auth chain of Si (the union of the
/// auth chains of its events), the events in ∪Ci − ∩Ci.
/// </summary>
/// <remarks>
/// Every unconflicted event is in every state set, so with U the auth chains of the unconflicted
/// events and Ai those of the conflicted events of Si, Ci = U ∪ Ai and the difference is
/// ∪Ai − ∩Ai − U. The deep walks therefore start only from conflicted events. U is needed only to
/// rule out the few candidates in ∪Ai − ∩Ai; its walk stops at events in every Ai (their whole
/// chains are in ∩Ai) and ends as soon as every candidate is ruled out.
/// </remarks>
public static class AuthDifference
{
    public static HashSet<string> Compute(IReadOnlyList<IReadOnlyDictionary<TypeStateKey, string>> stateSets,
        ConflictedStateSplit split, Func<string, IReadOnlyList<string>?> authEventsOf,
        Func<string, IReadOnlyList<string>?>? unconflictedAuthEventsOf = null)
    {
        // How many of the Ai contain each event.
        var setsContaining = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var set in stateSets)
        {
            var conflictedEvents = new List<string>();
            foreach (var key in split.Conflicted.Keys)
                if (set.TryGetValue(key, out var id)) conflictedEvents.Add(id);
            foreach (var id in AuthChain.Of(conflictedEvents, authEventsOf))
                setsContaining[id] = setsContaining.GetValueOrDefault(id) + 1;
        }

        var candidates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, count) in setsContaining)
            if (count < stateSets.Count) candidates.Add(id);
        if (candidates.Count == 0) return candidates;

        bool InEveryConflictedChain(string id) => setsContaining.GetValueOrDefault(id) == stateSets.Count;

        // Walk U, removing the candidates it reaches. The unconflicted events themselves are read
        // once each and need not be kept, hence the separate accessor.
        unconflictedAuthEventsOf ??= authEventsOf;
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        void Visit(IReadOnlyList<string>? authEvents)
        {
            if (authEvents is null) return;
            foreach (var authId in authEvents)
                if (visited.Add(authId) && !InEveryConflictedChain(authId))
                {
                    candidates.Remove(authId);
                    pending.Push(authId);
                }
        }
        foreach (var eventId in split.Unconflicted.Values)
        {
            Visit(unconflictedAuthEventsOf(eventId));
            while (pending.Count > 0 && candidates.Count > 0) Visit(authEventsOf(pending.Pop()));
            if (candidates.Count == 0) break;
        }
        return candidates;
    }
}
