using System.Data.Common;
using Dapper;

namespace Homeserver.Storage.Events;

public sealed partial class RoomEventStore
{
    private const string InsertStateGroupSql = """
        INSERT INTO state_groups (room_id, chain_depth, delta_base) VALUES (@RoomId, @Depth, @DeltaBase) RETURNING state_group
        """;

    /// <summary>
    /// A snapshot's delta chain down to its full map with every delta entry, deepest last; one
    /// query. Chain depths strictly decrease along delta_base, so applying in depth order is right.
    /// </summary>
    private const string SelectSnapshotSql = """
        WITH RECURSIVE chain (state_group, chain_depth, delta_base) AS (
            SELECT state_group, chain_depth, delta_base FROM state_groups WHERE state_group = @Group
            UNION ALL
            SELECT g.state_group, g.chain_depth, g.delta_base FROM state_groups g JOIN chain c ON g.state_group = c.delta_base
        )
        SELECT c.state_group AS StateGroup, c.chain_depth AS ChainDepth, k.type AS Type, k.state_key AS StateKey, n.event_id AS EventId
        FROM chain c
        LEFT JOIN state_group_entries s ON s.state_group = c.state_group
        LEFT JOIN state_keys k ON k.state_key_nid = s.state_key_nid
        LEFT JOIN event_nids n ON n.event_nid = s.event_nid
        ORDER BY c.chain_depth
        """;

    /// <summary>
    /// The snapshot for the state before <paramref name="e"/>: the after-state of one of its prev
    /// events when equal, else a new snapshot derived from the prev after-state closest to it (or a
    /// full map when there is none).
    /// </summary>
    /// <summary>
    /// The state groups before and after each timeline event of a batch, in order (outliers have none): an event's
    /// before-state is usually its prev event's after-state, and only a state event that is not rejected changes it.
    /// </summary>
    private async Task<Dictionary<string, (long Before, long After)>> SnapshotGroupsAsync(DbConnection connection, DbTransaction transaction,
        IEnumerable<EventToPersist> events, Dictionary<string, StoredEventRow> stored, PersistWork work, CancellationToken cancellationToken)
    {
        var groups = new Dictionary<string, (long Before, long After)>(StringComparer.Ordinal);
        foreach (var e in events.Where(e => !e.IsOutlier))
        {
            var before = await FindOrCreateSnapshotAsync(connection, transaction, e, stored, work, cancellationToken);
            var after = e.StateKey is not null && e.RejectionReason is null
                ? await DeriveSnapshotAsync(connection, transaction, before, (e.Type, e.StateKey), e.EventId, work, cancellationToken)
                : before;
            work.AfterSnapshots[e.EventId] = after;
            groups[e.EventId] = (before.Group, after.Group);
        }
        return groups;
    }

    private async Task<StateSnapshot> FindOrCreateSnapshotAsync(
        DbConnection connection, DbTransaction transaction, EventToPersist e, Dictionary<string, StoredEventRow> storedInBatch,
        PersistWork work, CancellationToken cancellationToken)
    {
        var state = e.StateBefore!;
        var candidates = new List<StateSnapshot>();
        var outside = new List<string>();
        foreach (var prev in e.PrevEvents.Distinct(StringComparer.Ordinal))
        {
            if (work.AfterSnapshots.TryGetValue(prev, out var inBatch))
                candidates.Add(inBatch);
            else
                outside.Add(prev);
        }

        // The batch's opening read looked up every prev event; unknown ones offer no state.
        foreach (var group in outside.Select(id => storedInBatch.GetValueOrDefault(id)?.StateAfterGroup).OfType<long>().Distinct())
            candidates.Add(await LoadSnapshotAsync(connection, transaction, group, work, cancellationToken));

        StateSnapshot? closest = null;
        var fewestChanges = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var changes = StateSnapshot.Diff(candidate.State, state).Count;
            if (changes == 0)
                return candidate;
            if (changes < fewestChanges)
                (closest, fewestChanges) = (candidate, changes);
        }

        return await CreateSnapshotAsync(connection, transaction, closest, new StateMap(state), work, cancellationToken);
    }

    /// <summary>The snapshot of <paramref name="from"/> with one entry set (itself when already set).</summary>
    private async Task<StateSnapshot> DeriveSnapshotAsync(
        DbConnection connection, DbTransaction transaction, StateSnapshot from, (string Type, string StateKey) key, string eventId,
        PersistWork work, CancellationToken cancellationToken)
    {
        if (from.State.TryGetValue(key, out var current) && string.Equals(current, eventId, StringComparison.Ordinal))
            return from;
        var state = new StateMap(from.State) { [key] = eventId };
        return await CreateSnapshotAsync(connection, transaction, from, state, work, cancellationToken);
    }

    /// <summary>
    /// Writes a snapshot of <paramref name="state"/> (which it keeps: pass a private copy) as a delta
    /// against the ancestor of <paramref name="predecessor"/> at depth d &amp; (d - 1), or as a full map
    /// when there is no predecessor or the delta would not be smaller than the map.
    /// </summary>
    private async Task<StateSnapshot> CreateSnapshotAsync(
        DbConnection connection, DbTransaction transaction, StateSnapshot? predecessor, StateMap state,
        PersistWork work, CancellationToken cancellationToken)
    {
        StateSnapshot? deltaBase = null;
        var depth = 0L;
        List<((string Type, string StateKey) Key, string? EventId)>? entries = null;
        if (predecessor is not null)
        {
            var candidateDepth = predecessor.Depth + 1;
            var baseDepth = StateSnapshot.DeltaBaseDepth(candidateDepth);
            var baseGroup = predecessor.Chain.First(link => link.Depth == baseDepth).Group;
            var candidateBase = await LoadSnapshotAsync(connection, transaction, baseGroup, work, cancellationToken);
            var delta = StateSnapshot.Diff(candidateBase.State, state);
            if (delta.Count < state.Count)
                (deltaBase, depth, entries) = (candidateBase, candidateDepth, delta);
        }

        entries ??= [.. state.Select(entry => (entry.Key, (string?)entry.Value))];

        var group = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertStateGroupSql,
            new { work.RoomId, Depth = depth, DeltaBase = deltaBase?.Group }, transaction, cancellationToken: cancellationToken));
        if (entries.Count > 0)
        {
            var keyNids = await InternStateKeysAsync(connection, transaction, entries.Select(x => x.Key), work, cancellationToken);
            var eventNids = await InternEventIdsAsync(connection, transaction, entries.Select(x => x.EventId).OfType<string>(), work, cancellationToken);
            var rows = entries.Select(x => (keyNids[x.Key], x.EventId is null ? (long?)null : eventNids[x.EventId]));
            await connection.ExecuteAsync(new CommandDefinition(_sql.InsertStateGroupEntries,
                new { Group = group, Entries = JsonRows.Encode(rows) }, transaction, cancellationToken: cancellationToken));
        }

        List<(long, long)> chain = [(group, depth)];
        if (deltaBase is not null)
            chain.AddRange(deltaBase.Chain);
        var snapshot = new StateSnapshot(group, depth, chain, state);
        work.Snapshots[group] = snapshot;
        return snapshot;
    }

    /// <summary>A snapshot from this batch, the cache, or the database (one query).</summary>
    private async Task<StateSnapshot> LoadSnapshotAsync(
        DbConnection connection, DbTransaction? transaction, long group, PersistWork? work, CancellationToken cancellationToken)
    {
        if (work is not null && work.Snapshots.TryGetValue(group, out var written))
            return written;
        if (_snapshots.TryGet(group, out var cached))
            return cached;

        var rows = (await connection.QueryAsync<SnapshotRow>(new CommandDefinition(
            SelectSnapshotSql, new { Group = group }, transaction, cancellationToken: cancellationToken))).ToList();
        if (rows.Count == 0)
            throw new InvalidOperationException($"State group {group} is referenced but not stored.");
        var state = new StateMap();
        foreach (var row in rows.Where(r => r.Type is not null))
        {
            if (row.EventId is null)
                state.Remove((row.Type!, row.StateKey!));
            else
                state[(row.Type!, row.StateKey!)] = row.EventId;
        }

        var chain = rows.Select(r => (r.StateGroup, r.ChainDepth)).Distinct().OrderByDescending(link => link.ChainDepth).ToList();
        var snapshot = new StateSnapshot(group, chain[0].ChainDepth, chain, state);
        // Committed rows (this batch's own snapshots were returned above), so safe to cache now.
        _snapshots.Set(group, snapshot);
        return snapshot;
    }

    /// <summary>
    /// The 64-bit ids of (type, state_key) pairs, interning the unknown ones; those this transaction already
    /// knows (<see cref="PersistWork.StateKeyNids"/>) cost no query.
    /// </summary>
    private async Task<Dictionary<(string Type, string StateKey), long>> InternStateKeysAsync(
        DbConnection connection, DbTransaction transaction, IEnumerable<(string Type, string StateKey)> keys, PersistWork work,
        CancellationToken cancellationToken)
    {
        var nids = work.StateKeyNids;
        var wanted = keys.Where(k => !nids.ContainsKey(k)).Distinct()
            .OrderBy(k => k.Type, StringComparer.Ordinal).ThenBy(k => k.StateKey, StringComparer.Ordinal).ToList();
        if (wanted.Count == 0)
            return nids;
        await ReadInto(wanted);
        var missing = wanted.Where(k => !nids.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                _sql.InsertStateKeyNids, new { Keys = JsonRows.Encode(missing) }, transaction, cancellationToken: cancellationToken));
            await ReadInto(missing);
        }

        return nids;

        async Task ReadInto(List<(string Type, string StateKey)> list)
        {
            var rows = await connection.QueryAsync<StateKeyRow>(new CommandDefinition(
                _sql.SelectStateKeyNids, new { Keys = JsonRows.Encode(list) }, transaction, cancellationToken: cancellationToken));
            foreach (var row in rows)
                nids[(row.Type, row.StateKey)] = row.Nid;
        }
    }

    private sealed class SnapshotRow
    {
        public long StateGroup { get; init; }
        public long ChainDepth { get; init; }
        public string? Type { get; init; }
        public string? StateKey { get; init; }
        public string? EventId { get; init; }
    }

    private sealed class StateKeyRow
    {
        public string Type { get; init; } = "";
        public string StateKey { get; init; } = "";
        public long Nid { get; init; }
    }
}
