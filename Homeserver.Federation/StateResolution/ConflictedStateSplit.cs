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
        var unconflicted = new Dictionary<TypeStateKey, string>();
        var conflicted = new Dictionary<TypeStateKey, IReadOnlyList<string>>();
        if (stateSets.Count == 0) return new(unconflicted, conflicted);

        // Look each key up in every set once; unconflicted keys (nearly all of a big room) allocate nothing.
        var seen = new HashSet<TypeStateKey>();
        foreach (var set in stateSets)
            foreach (var key in set.Keys)
            {
                if (!seen.Add(key)) continue;
                string? only = null;
                var present = 0;
                var differ = false;
                foreach (var other in stateSets)
                {
                    if (!other.TryGetValue(key, out var id)) continue;
                    present++;
                    if (only is null) only = id;
                    else if (!string.Equals(only, id, StringComparison.Ordinal)) differ = true;
                }
                if (!differ && (present == stateSets.Count || !missingKeyConflicts))
                    unconflicted[key] = only!;
                else
                    conflicted[key] = stateSets.Select(other => other.GetValueOrDefault(key)).OfType<string>()
                        .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            }
        return new(unconflicted, conflicted);
    }
}
