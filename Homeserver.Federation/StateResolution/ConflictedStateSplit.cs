using Homeserver.Federation.Events;

namespace Homeserver.Federation.StateResolution;

/// <summary>
/// The state sets to resolve, split into the unconflicted state map and the conflicted state set.
/// </summary>
/// <param name="Unconflicted">Keys with one and the same event in every state set.</param>
/// <param name="Conflicted">Every other key, with its distinct event ids in ordinal order.</param>
public sealed record ConflictedStateSplit(
    IReadOnlyDictionary<TypeStateKey, string> Unconflicted,
    IReadOnlyDictionary<TypeStateKey, IReadOnlyList<string>> Conflicted)
{
    /// <summary>
    /// Splits the state sets. With <paramref name="missingKeyConflicts"/> (state resolution v2) a key
    /// absent from some state set is conflicted; without it (v1) a key is conflicted only when two
    /// state sets give it different events.
    /// </summary>
    public static ConflictedStateSplit Split(IReadOnlyList<IReadOnlyDictionary<TypeStateKey, string>> stateSets, bool missingKeyConflicts)
    {
        var unconflicted = new Dictionary<TypeStateKey, string>(stateSets.Count == 0 ? 0 : stateSets[0].Count);
        var conflicted = new Dictionary<TypeStateKey, IReadOnlyList<string>>();
        if (stateSets.Count == 0) return new(unconflicted, conflicted);

        // Every key is classified once: the first set's keys, then the keys the first set lacks
        // (few in practice). Unconflicted keys, nearly all of a big room, allocate nothing.
        var first = stateSets[0];
        var sharedWithFirst = new int[stateSets.Count];
        foreach (var (key, firstId) in first)
        {
            var present = 1;
            var differ = false;
            for (var i = 1; i < stateSets.Count; i++)
            {
                if (!stateSets[i].TryGetValue(key, out var id)) continue;
                present++;
                sharedWithFirst[i]++;
                if (!string.Equals(firstId, id, StringComparison.Ordinal)) differ = true;
            }
            if (!differ && (present == stateSets.Count || !missingKeyConflicts)) unconflicted[key] = firstId;
            else conflicted[key] = DistinctValues(stateSets, key);
        }

        // A set holding only keys of the first set has nothing left to classify.
        var seenElsewhere = new HashSet<TypeStateKey>();
        for (var i = 1; i < stateSets.Count; i++)
        {
            if (sharedWithFirst[i] == stateSets[i].Count) continue;
            foreach (var key in stateSets[i].Keys)
            {
                if (first.ContainsKey(key) || !seenElsewhere.Add(key)) continue;
                var values = DistinctValues(stateSets, key);
                var present = stateSets.Count(set => set.ContainsKey(key));
                if (values.Length == 1 && (present == stateSets.Count || !missingKeyConflicts)) unconflicted[key] = values[0];
                else conflicted[key] = values;
            }
        }
        return new(unconflicted, conflicted);
    }

    private static string[] DistinctValues(IReadOnlyList<IReadOnlyDictionary<TypeStateKey, string>> stateSets, TypeStateKey key) =>
        stateSets.Select(set => set.GetValueOrDefault(key)).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
}
