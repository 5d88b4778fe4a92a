namespace Homeserver.Federation.StateResolution;

/// <summary>
/// The conflicted state subgraph (state resolution v2.1, room v12): every event on an
/// <c>auth_events</c> path between two events of the conflicted state set, endpoints included.
/// The conflicted events themselves are always part of it.
/// </summary>
public static class ConflictedSubgraph
{
    public static HashSet<string> Compute(IEnumerable<string> conflictedEventIds, Func<string, IReadOnlyList<string>?> authEventsOf)
    {
        var conflicted = new HashSet<string>(conflictedEventIds, StringComparer.Ordinal);

        // Backwards: everything reachable from a conflicted event, remembering who cites whom.
        var reachable = new HashSet<string>(conflicted, StringComparer.Ordinal);
        var citedBy = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var pending = new Stack<string>(conflicted);
        while (pending.Count > 0)
        {
            var id = pending.Pop();
            if (authEventsOf(id) is not { } authEvents) continue;
            foreach (var authId in authEvents)
            {
                if (!citedBy.TryGetValue(authId, out var citers)) citedBy[authId] = citers = [];
                citers.Add(id);
                if (reachable.Add(authId)) pending.Push(authId);
            }
        }

        // Forwards from the conflicted events along those edges: the events that also lead to one.
        var subgraph = new HashSet<string>(conflicted, StringComparer.Ordinal);
        var forward = new Stack<string>(conflicted);
        while (forward.Count > 0)
        {
            if (!citedBy.TryGetValue(forward.Pop(), out var citers)) continue;
            foreach (var citer in citers)
                if (subgraph.Add(citer)) forward.Push(citer);
        }
        return subgraph;
    }
}
