using System.Data.Common;
using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Events;

/// <summary>
/// Reads for many rooms or events at once, so an initial sync over a thousand rooms costs a few statements
/// instead of a few per room.
/// </summary>
public sealed partial class RoomEventStore
{
    /// <summary>PostgreSQL: each room's newest events through the (room_id, stream_ordering) index, one lateral probe per room.</summary>
    private const string SelectLatestRoomEventsPostgresSql = $"""
        SELECT x.* FROM (SELECT DISTINCT value AS v FROM jsonb_array_elements_text(CAST(@Rooms AS jsonb))) r
        CROSS JOIN LATERAL (
            SELECT {EventColumns}
            FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
            WHERE e.room_id = r.v AND e.stream_ordering > @After AND e.stream_ordering <= @UpTo AND {VisibleCondition}
            ORDER BY e.stream_ordering DESC LIMIT @Limit
        ) x
        """;

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<EventRecord>>> GetLatestRoomEventsAsync(IReadOnlyCollection<string> roomIds,
        long afterExclusive, long upToInclusive, int limitPerRoom, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomIds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limitPerRoom);
        var rooms = roomIds.Distinct(StringComparer.Ordinal).ToList();
        if (rooms.Any(string.IsNullOrEmpty))
            throw new ArgumentException("Room ids must not be null or empty.", nameof(roomIds));
        var result = new Dictionary<string, IReadOnlyList<EventRecord>>(StringComparer.Ordinal);
        if (rooms.Count == 0 || upToInclusive <= afterExclusive)
            return result;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        if (_database.Dialect.Backend == DatabaseBackend.Postgres)
        {
            var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(SelectLatestRoomEventsPostgresSql,
                new { Rooms = JsonRows.Encode(rooms), After = afterExclusive, UpTo = upToInclusive, Limit = limitPerRoom, No = false },
                cancellationToken: cancellationToken));
            foreach (var room in rows.Select(r => r.ToRecord()).GroupBy(r => r.RoomId, StringComparer.Ordinal))
                result[room.Key] = [.. room.OrderByDescending(r => r.StreamOrdering)];
            return result;
        }
        // SQLite runs in the process: a statement per room on one connection costs no round trip.
        foreach (var room in rooms)
        {
            var rows = (await connection.QueryAsync<EventRow>(new CommandDefinition(SelectRoomEventsBackwardSql,
                new { RoomId = room, After = afterExclusive, UpTo = upToInclusive, Limit = limitPerRoom, No = false },
                cancellationToken: cancellationToken))).ToList();
            if (rows.Count > 0)
                result[room] = [.. rows.Select(r => r.ToRecord())];
        }
        return result;
    }

    public async Task<IReadOnlyDictionary<string, StateMap>> GetStatesBeforeAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        var ids = CheckIds(eventIds).Distinct(StringComparer.Ordinal).ToList();
        var states = new Dictionary<string, StateMap>(StringComparer.Ordinal);
        if (ids.Count == 0)
            return states;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var sql = $"""
            SELECT n.event_id AS EventId, e.state_before_group AS StateGroup
            FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
            WHERE {_rows.In("n.event_id", "Ids")} AND e.state_before_group IS NOT NULL
            """;
        var rows = await connection.QueryAsync<EventStateGroupRow>(new CommandDefinition(sql,
            new { Ids = JsonRows.Encode(ids) }, cancellationToken: cancellationToken));
        var snapshots = await LoadSnapshotsAsync(connection, [.. rows.Select(r => r.StateGroup)], cancellationToken);
        foreach (var row in rows)
            states[row.EventId] = new StateMap(snapshots[row.StateGroup].State);
        return states;
    }

    public async Task<IReadOnlyDictionary<string, StateMap>> GetCurrentStatesAsync(IReadOnlyCollection<string> roomIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomIds);
        var rooms = roomIds.Distinct(StringComparer.Ordinal).ToList();
        if (rooms.Any(string.IsNullOrEmpty))
            throw new ArgumentException("Room ids must not be null or empty.", nameof(roomIds));
        var states = new Dictionary<string, StateMap>(StringComparer.Ordinal);
        if (rooms.Count == 0)
            return states;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var versions = (await connection.QueryAsync<(string RoomId, long Version)>(new CommandDefinition(
                $"SELECT room_id AS RoomId, version AS Version FROM current_state_versions WHERE {_rows.In("room_id", "Rooms")}",
                new { Rooms = JsonRows.Encode(rooms) }, cancellationToken: cancellationToken)))
            .ToDictionary(v => v.RoomId, v => v.Version, StringComparer.Ordinal);
        // As GetCurrentStateAsync: the cached state when its version is the stored one, else read (and cached) with its version,
        // the stale or uncached rooms together.
        var unread = new List<string>();
        foreach (var room in rooms)
        {
            if (_currentStates.TryGet(room, out var cached) && cached.Version == versions.GetValueOrDefault(room))
                states[room] = new StateMap(cached.State);
            else
                unread.Add(room);
        }
        if (unread.Count == 0)
            return states;
        var sql = $"""
            SELECT c.room_id AS RoomId, k.type AS Type, k.state_key AS StateKey, n.event_id AS EventId, v.version AS Version
            FROM current_state c
            JOIN state_keys k ON k.state_key_nid = c.state_key_nid
            JOIN event_nids n ON n.event_nid = c.event_nid
            JOIN current_state_versions v ON v.room_id = c.room_id
            WHERE {_rows.In("c.room_id", "Rooms")}
            """;
        var read = (await connection.QueryAsync<RoomStateEntryRow>(new CommandDefinition(sql,
                new { Rooms = JsonRows.Encode(unread) }, cancellationToken: cancellationToken)))
            .ToLookup(r => r.RoomId, StringComparer.Ordinal);
        foreach (var room in unread)
        {
            var state = new StateMap();
            foreach (var row in read[room])
                state[(row.Type, row.StateKey)] = row.EventId;
            if (read[room].FirstOrDefault() is { } first)
                _currentStates.Set(room, new CachedCurrentState(first.Version, new StateMap(state)));
            states[room] = state;
        }
        return states;
    }

    /// <summary>
    /// Snapshots by group: from the cache, the uncached ones in one query (each group's delta chain, as
    /// <see cref="LoadSnapshotAsync"/> reads one), and cached.
    /// </summary>
    private async Task<Dictionary<long, StateSnapshot>> LoadSnapshotsAsync(DbConnection connection, IReadOnlyCollection<long> groups,
        CancellationToken cancellationToken)
    {
        var snapshots = new Dictionary<long, StateSnapshot>();
        var unread = new List<long>();
        foreach (var group in groups.Distinct())
        {
            if (_snapshots.TryGet(group, out var cached)) snapshots[group] = cached;
            else unread.Add(group);
        }
        if (unread.Count == 0)
            return snapshots;
        var sql = $"""
            WITH RECURSIVE chain (root, state_group, chain_depth, delta_base) AS (
                SELECT state_group, state_group, chain_depth, delta_base FROM state_groups WHERE {_rows.InFirstNumbers("state_group", "Groups")}
                UNION ALL
                SELECT c.root, g.state_group, g.chain_depth, g.delta_base FROM state_groups g JOIN chain c ON g.state_group = c.delta_base
            )
            SELECT c.root AS Root, c.state_group AS StateGroup, c.chain_depth AS ChainDepth, k.type AS Type, k.state_key AS StateKey, n.event_id AS EventId
            FROM chain c
            LEFT JOIN state_group_entries s ON s.state_group = c.state_group
            LEFT JOIN state_keys k ON k.state_key_nid = s.state_key_nid
            LEFT JOIN event_nids n ON n.event_nid = s.event_nid
            ORDER BY c.root, c.chain_depth
            """;
        var rows = (await connection.QueryAsync<RootedSnapshotRow>(new CommandDefinition(sql,
                new { Groups = JsonRows.Encode(unread.Select(g => (g, (long?)null))) }, cancellationToken: cancellationToken)))
            .ToLookup(r => r.Root);
        foreach (var group in unread)
        {
            var groupRows = rows[group].ToList();
            if (groupRows.Count == 0)
                throw new InvalidOperationException($"State group {group} is referenced but not stored.");
            // Deepest last, as LoadSnapshotAsync applies them.
            var state = new StateMap();
            foreach (var row in groupRows.OrderBy(r => r.ChainDepth).Where(r => r.Type is not null))
            {
                if (row.EventId is null)
                    state.Remove((row.Type!, row.StateKey!));
                else
                    state[(row.Type!, row.StateKey!)] = row.EventId;
            }
            var chain = groupRows.Select(r => (r.StateGroup, r.ChainDepth)).Distinct().OrderByDescending(link => link.ChainDepth).ToList();
            var snapshot = new StateSnapshot(group, chain[0].ChainDepth, chain, state);
            _snapshots.Set(group, snapshot);
            snapshots[group] = snapshot;
        }
        return snapshots;
    }

    public async Task<IReadOnlySet<string>> GetParentsWithChildrenAsync(IReadOnlyCollection<string> parentIds, CancellationToken cancellationToken)
    {
        var ids = CheckIds(parentIds);
        if (ids.Count == 0)
            return new HashSet<string>(StringComparer.Ordinal);
        var sql = $"""
            SELECT DISTINCT e.relates_to_id
            FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
            WHERE {_rows.In("e.relates_to_id", "Ids")} AND {LiveChildCondition}
            """;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(sql,
            new { Ids = JsonRows.Encode(ids.Distinct(StringComparer.Ordinal)), No = false }, cancellationToken: cancellationToken));
        return new HashSet<string>(rows, StringComparer.Ordinal);
    }

    private sealed class RoomStateEntryRow
    {
        public string RoomId { get; init; } = "";
        public string Type { get; init; } = "";
        public string StateKey { get; init; } = "";
        public string EventId { get; init; } = "";
        public long Version { get; init; }
    }

    private sealed class RootedSnapshotRow
    {
        public long Root { get; init; }
        public long StateGroup { get; init; }
        public long ChainDepth { get; init; }
        public string? Type { get; init; }
        public string? StateKey { get; init; }
        public string? EventId { get; init; }
    }

    /// <summary>The room's current state read with its version in one statement, so the pair is consistent, and cached.</summary>
    private async Task<StateMap> ReadVersionedCurrentStateAsync(DbConnection connection, string roomId, CancellationToken cancellationToken)
    {
        var rows = (await connection.QueryAsync<VersionedStateEntryRow>(new CommandDefinition(
            SelectVersionedCurrentStateSql, new { RoomId = roomId }, cancellationToken: cancellationToken))).ToList();
        var state = new StateMap();
        foreach (var row in rows)
            state[(row.Type, row.StateKey)] = row.EventId;
        if (rows.Count > 0)
            _currentStates.Set(roomId, new CachedCurrentState(rows[0].Version, new StateMap(state)));
        return state;
    }

    private sealed class EventStateGroupRow
    {
        public string EventId { get; init; } = "";
        public long StateGroup { get; init; }
    }
}
