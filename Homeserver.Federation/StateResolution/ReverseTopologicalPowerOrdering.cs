namespace Homeserver.Federation.StateResolution;

/// <summary>
/// Step 1 of state resolution v2: the power events of the full conflicted set together with the
/// events of the full conflicted set in their auth chains, in the lexicographically smallest
/// topological order of the auth DAG under <see cref="PowerOrderingKey"/> (earliest first).
/// </summary>
/// <remarks>
/// Auth chains are followed through events of the full conflicted set only, as Synapse and ruma
/// do. An event that could be reached only through an event outside the set would have to be a
/// conflicted ancestor of an event in every full auth chain; real auth graphs cite it directly.
/// </remarks>
public static class ReverseTopologicalPowerOrdering
{
    public static List<string> Sort(IEnumerable<string> powerEventIds, IReadOnlySet<string> fullConflictedSet,
        EventLookup events, SenderPowerLevels powerLevels)
    {
        // The graph: each selected event → its auth events that are in the full conflicted set,
        // walking auth events through the full conflicted set only.
        var graph = new Dictionary<string, IReadOnlyCollection<string>>(StringComparer.Ordinal);
        var pending = new Stack<string>(powerEventIds);
        while (pending.Count > 0)
        {
            var id = pending.Pop();
            if (graph.ContainsKey(id) || events.Get(id) is not { } ev) continue;
            var edges = new List<string>();
            foreach (var authId in ev.AuthEvents)
                if (fullConflictedSet.Contains(authId) && events.Get(authId) is not null)
                {
                    edges.Add(authId);
                    pending.Push(authId);
                }
            graph[id] = edges;
        }

        var keys = new Dictionary<string, PowerOrderingKey>(graph.Count, StringComparer.Ordinal);
        foreach (var id in graph.Keys)
        {
            var ev = events.Get(id)!;
            keys[id] = new PowerOrderingKey(powerLevels.Of(ev), ev.OriginServerTs, id);
        }
        return LexicographicalTopologicalSort.Sort(graph, Comparer<string>.Create((x, y) => keys[x].CompareTo(keys[y])));
    }
}
