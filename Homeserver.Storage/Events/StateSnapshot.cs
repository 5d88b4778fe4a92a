namespace Homeserver.Storage.Events;

/// <summary>
/// A resolved state snapshot (state group): its full map and where it sits in its delta chain.
/// <see cref="Chain"/> lists the snapshot itself followed by its delta base, that base's base and
/// so on down to the full map at depth 0. Never mutated once built (it is shared through caches).
/// </summary>
internal sealed record StateSnapshot(long Group, long Depth, IReadOnlyList<(long Group, long Depth)> Chain, StateMap State)
{
    /// <summary>The depth whose snapshot a snapshot at <paramref name="depth"/> is stored against: the lowest set bit cleared.</summary>
    public static long DeltaBaseDepth(long depth) => depth & (depth - 1);

    /// <summary>
    /// The entries of <paramref name="to"/> that differ from <paramref name="from"/>: added or changed
    /// entries with their event id, removed entries with null.
    /// </summary>
    public static List<((string Type, string StateKey) Key, string? EventId)> Diff(StateMap from, StateMap to)
    {
        var changes = new List<((string, string), string?)>();
        foreach (var (key, eventId) in to)
        {
            if (!from.TryGetValue(key, out var old) || !string.Equals(old, eventId, StringComparison.Ordinal))
                changes.Add((key, eventId));
        }

        foreach (var key in from.Keys)
        {
            if (!to.ContainsKey(key))
                changes.Add((key, null));
        }

        return changes;
    }
}
