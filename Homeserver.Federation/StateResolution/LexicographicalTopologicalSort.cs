namespace Homeserver.Federation.StateResolution;

/// <summary>
/// Kahn's algorithm that, among the nodes whose dependencies are all emitted, always emits the
/// smallest by the given comparer: the lexicographically smallest topological ordering.
/// </summary>
public static class LexicographicalTopologicalSort
{
    /// <summary>
    /// Orders the nodes of <paramref name="graph"/> (node → the nodes it points to, which come
    /// first). Edges to nodes outside the graph are ignored. Nodes on a cycle, which a valid auth
    /// graph never has, cannot be ordered and are left out.
    /// </summary>
    public static List<string> Sort(IReadOnlyDictionary<string, IReadOnlyCollection<string>> graph, IComparer<string> comparer)
    {
        var remaining = new Dictionary<string, int>(graph.Count, StringComparer.Ordinal);
        var dependents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var ready = new PriorityQueue<string, string>(comparer);
        foreach (var (node, edges) in graph)
        {
            var count = 0;
            foreach (var target in edges.Distinct(StringComparer.Ordinal))
            {
                if (!graph.ContainsKey(target) || target == node) continue;
                count++;
                if (!dependents.TryGetValue(target, out var list)) dependents[target] = list = [];
                list.Add(node);
            }
            remaining[node] = count;
            if (count == 0) ready.Enqueue(node, node);
        }

        var order = new List<string>(graph.Count);
        while (ready.TryDequeue(out var node, out _))
        {
            order.Add(node);
            if (!dependents.TryGetValue(node, out var list)) continue;
            foreach (var dependent in list)
                if (--remaining[dependent] == 0) ready.Enqueue(dependent, dependent);
        }
        return order;
    }
}
