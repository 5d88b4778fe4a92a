using System.Data.Common;
using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Events;

/// <summary>
/// The room event graph on SQLite and PostgreSQL, with the same SQL on both except the JSON row
/// expressions of <see cref="JsonRows"/> and the PostgreSQL room lock. Split by concern into
/// partial files: reads (this file), persisting, state snapshots and current state.
/// <para>
/// Event ids and (type, state_key) pairs are interned as 64-bit ids. State snapshots are stored as
/// deltas: a snapshot derived from a predecessor at chain depth d-1 gets depth d and stores its
/// difference from its ancestor at depth <c>d &amp; (d - 1)</c> (depth 0 is a full map), so reading
/// one applies at most log2(d) + 1 deltas and storage grows as O(n log n) in the number of state
/// changes, independent of room size. A delta that would be larger than the full map is stored as
/// a new full map instead. Resolved snapshots and each room's current state are cached (bounded).
/// </para>
/// <para>
/// Writes of one room are serialised by the database: <c>pg_advisory_xact_lock</c> on a hash of the
/// room id on PostgreSQL, SQLite's single writer otherwise. Stream orderings come from a counter row
/// bumped just before the events are inserted; the row stays locked until commit, so positions are
/// handed out in commit order and a reader never sees a position before all smaller ones.
/// </para>
/// </summary>
public sealed partial class RoomEventStore : IRoomEventStore
{
    private const string EventColumns = """
        n.event_id AS EventId, e.room_id AS RoomId, e.type AS Type, e.state_key AS StateKey, e.sender AS Sender,
        e.depth AS Depth, e.origin_server_ts AS OriginServerTs, e.stream_ordering AS StreamOrdering,
        e.is_outlier AS IsOutlier, e.rejection_reason AS RejectionReason, e.is_soft_failed AS IsSoftFailed,
        e.redacts AS Redacts, e.json AS Json
        """;

    private const string SelectForwardExtremitiesSql = """
        SELECT n.event_id FROM room_forward_extremities f JOIN event_nids n ON n.event_nid = f.event_nid
        WHERE f.room_id = @RoomId ORDER BY n.event_id
        """;

    private const string SelectStateGroupsSql = """
        SELECT e.state_before_group AS Before, e.state_after_group AS After
        FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
        WHERE n.event_id = @EventId
        """;

    private const string SelectCurrentStateSql = """
        SELECT k.type AS Type, k.state_key AS StateKey, n.event_id AS EventId
        FROM current_state c
        JOIN state_keys k ON k.state_key_nid = c.state_key_nid
        JOIN event_nids n ON n.event_nid = c.event_nid
        WHERE c.room_id = @RoomId
        """;

    private const string SelectVersionedCurrentStateSql = """
        SELECT k.type AS Type, k.state_key AS StateKey, n.event_id AS EventId, v.version AS Version
        FROM current_state c
        JOIN state_keys k ON k.state_key_nid = c.state_key_nid
        JOIN event_nids n ON n.event_nid = c.event_nid
        JOIN current_state_versions v ON v.room_id = c.room_id
        WHERE c.room_id = @RoomId
        """;

    private const string SelectCurrentStateEntrySql = """
        SELECT n.event_id
        FROM state_keys k
        JOIN current_state c ON c.state_key_nid = k.state_key_nid AND c.room_id = @RoomId
        JOIN event_nids n ON n.event_nid = c.event_nid
        WHERE k.type = @Type AND k.state_key = @StateKey
        """;

    private const string SelectRoomSql = """
        SELECT room_id AS RoomId, room_version AS RoomVersion, creator_user_id AS CreatorUserId, create_event_id AS CreateEventId
        FROM rooms WHERE room_id = @RoomId
        """;

    private const string SelectRoomsForUserSql = """
        SELECT room_id FROM room_memberships WHERE user_id = @UserId AND membership = @Membership ORDER BY room_id
        """;

    private const string SelectUsersInRoomSql = """
        SELECT user_id FROM room_memberships WHERE room_id = @RoomId AND membership = @Membership ORDER BY user_id
        """;

    private const string SelectTransactionSql = """
        SELECT n.event_id FROM client_transactions t JOIN event_nids n ON n.event_nid = t.event_nid
        WHERE t.user_id = @UserId AND t.device_id = @DeviceId AND t.txn_id = @TransactionId
        """;

    internal const string SelectMaxStreamOrderingSql = "SELECT COALESCE(MAX(stream_ordering), 0) FROM events";

    /// <summary>Total state entries kept in the snapshot cache (about 100 bytes each).</summary>
    private const long SnapshotCacheEntries = 500_000;

    /// <summary>Total state entries kept in the current state cache.</summary>
    private const long CurrentStateCacheEntries = 500_000;

    /// <summary>Rooms kept in the room record cache.</summary>
    private const long RoomCacheEntries = 100_000;

    private readonly IDatabase _database;
    private readonly JsonRows _rows;
    private readonly Statements _sql;
    private readonly BoundedCache<long, StateSnapshot> _snapshots = new(SnapshotCacheEntries, s => s.State.Count);
    private readonly BoundedCache<string, CachedCurrentState> _currentStates = new(CurrentStateCacheEntries, c => c.State.Count);

    /// <summary>Rooms never change once created (id, version, creator, create event), so found ones are kept.</summary>
    private readonly BoundedCache<string, RoomRecord> _roomRecords = new(RoomCacheEntries, _ => 1);

    public RoomEventStore(IDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _rows = JsonRows.For(database.Dialect);
        _sql = new Statements(_rows, database.Dialect);
    }

    public async Task<EventRecord?> GetEventAsync(string eventId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        var events = await GetEventsAsync([eventId], cancellationToken);
        return events.Count == 0 ? null : events[0];
    }

    public async Task<IReadOnlyList<EventRecord>> GetEventsAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        var ids = CheckIds(eventIds);
        if (ids.Count == 0)
            return [];
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(
            _sql.SelectEventsByIds, new { Ids = JsonRows.Encode(ids) }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task<IReadOnlySet<string>> GetMissingEventIdsAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        var ids = CheckIds(eventIds);
        var missing = new HashSet<string>(ids, StringComparer.Ordinal);
        if (ids.Count == 0)
            return missing;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var stored = await connection.QueryAsync<string>(new CommandDefinition(
            _sql.SelectStoredEventIds, new { Ids = JsonRows.Encode(ids) }, cancellationToken: cancellationToken));
        missing.ExceptWith(stored);
        return missing;
    }

    public async Task<IReadOnlyList<string>> GetForwardExtremitiesAsync(string roomId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        return await ReadForwardExtremitiesAsync(connection, null, roomId, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Only stored events are returned: an auth edge to an event we do not hold is known by id
    /// but leads nowhere (<see cref="GetMissingEventIdsAsync"/> finds such ids).
    /// </remarks>
    public async Task<IReadOnlySet<string>> GetAuthChainAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        var ids = CheckIds(eventIds);
        if (ids.Count == 0)
            return new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var chain = await connection.QueryAsync<string>(new CommandDefinition(
            _sql.SelectAuthChain, new { Ids = JsonRows.Encode(ids) }, cancellationToken: cancellationToken));
        return new HashSet<string>(chain, StringComparer.Ordinal);
    }

    public Task<StateMap?> GetStateBeforeAsync(string eventId, CancellationToken cancellationToken) =>
        GetEventStateAsync(eventId, after: false, cancellationToken);

    public Task<StateMap?> GetStateAfterAsync(string eventId, CancellationToken cancellationToken) =>
        GetEventStateAsync(eventId, after: true, cancellationToken);

    /// <summary>
    /// From the cache when its version is the stored one (one primary-key read instead of the whole state, which
    /// every send needs); otherwise read with its version in one statement, so the pair is consistent, and cached.
    /// </summary>
    public async Task<StateMap> GetCurrentStateAsync(string roomId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var version = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            SelectCurrentStateVersionSql, new { RoomId = roomId }, cancellationToken: cancellationToken)) ?? 0;
        if (_currentStates.TryGet(roomId, out var cached) && cached.Version == version)
            return new StateMap(cached.State);
        return await ReadVersionedCurrentStateAsync(connection, roomId, cancellationToken);
    }

    public async Task<string?> GetCurrentStateEventIdAsync(string roomId, string type, string stateKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(stateKey);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            SelectCurrentStateEntrySql, new { RoomId = roomId, Type = type, StateKey = stateKey }, cancellationToken: cancellationToken));
    }

    public async Task<RoomRecord?> GetRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        if (_roomRecords.TryGet(roomId, out var known))
            return known;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var room = await connection.QuerySingleOrDefaultAsync<RoomRecord>(new CommandDefinition(
            SelectRoomSql, new { RoomId = roomId }, cancellationToken: cancellationToken));
        if (room is not null)
            _roomRecords.Set(roomId, room);
        return room;
    }

    public async Task<IReadOnlyList<string>> GetUsersInRoomAsync(string roomId, string membership, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        ArgumentException.ThrowIfNullOrEmpty(membership);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var users = await connection.QueryAsync<string>(new CommandDefinition(
            SelectUsersInRoomSql, new { RoomId = roomId, Membership = membership }, cancellationToken: cancellationToken));
        return [.. users];
    }

    public async Task<IReadOnlyList<string>> GetRoomsForUserAsync(string userId, string membership, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(membership);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rooms = await connection.QueryAsync<string>(new CommandDefinition(
            SelectRoomsForUserSql, new { UserId = userId, Membership = membership }, cancellationToken: cancellationToken));
        return [.. rooms];
    }

    public async Task<string?> GetEventIdForTransactionAsync(ClientTransactionKey key, CancellationToken cancellationToken)
    {
        CheckTransactionKey(key);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            SelectTransactionSql, new { key.UserId, key.DeviceId, key.TransactionId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// One round trip for all the keys: one primary-key lookup per key, joined by UNION ALL (lists per column
    /// would let PostgreSQL probe by user only and read all of a user's transactions).
    /// </summary>
    public async Task<IReadOnlyDictionary<ClientTransactionKey, string>> GetEventIdsForTransactionsAsync(
        IReadOnlyCollection<ClientTransactionKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
            CheckTransactionKey(key);
        var distinct = keys.Distinct().ToList();
        var found = new Dictionary<ClientTransactionKey, string>();
        if (distinct.Count == 0)
            return found;
        // One statement whatever the number of keys: its text stays the same, so it stays prepared.
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TransactionRow>(new CommandDefinition(_sql.SelectTransactionEvents,
            new { Keys = JsonRows.Encode(distinct.Select(k => (k.UserId, k.DeviceId, k.TransactionId))) }, cancellationToken: cancellationToken));
        foreach (var row in rows)
            found[new ClientTransactionKey(row.UserId, row.DeviceId, row.TxnId)] = row.EventId;
        return found;
    }

    public async Task<long> GetMaxStreamOrderingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(SelectMaxStreamOrderingSql, cancellationToken: cancellationToken));
    }

    private async Task<StateMap?> GetEventStateAsync(string eventId, bool after, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var groups = await connection.QuerySingleOrDefaultAsync<StateGroupsRow>(new CommandDefinition(
            SelectStateGroupsSql, new { EventId = eventId }, cancellationToken: cancellationToken));
        var group = after ? groups?.After : groups?.Before;
        if (group is null)
            return null;
        var snapshot = await LoadSnapshotAsync(connection, null, group.Value, null, cancellationToken);
        return new StateMap(snapshot.State);
    }

    private static async Task<List<string>> ReadForwardExtremitiesAsync(
        DbConnection connection, DbTransaction? transaction, string roomId, CancellationToken cancellationToken)
    {
        var ids = await connection.QueryAsync<string>(new CommandDefinition(
            SelectForwardExtremitiesSql, new { RoomId = roomId }, transaction, cancellationToken: cancellationToken));
        return [.. ids];
    }

    private static async Task<StateMap> ReadCurrentStateAsync(
        DbConnection connection, DbTransaction? transaction, string roomId, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<StateEntryRow>(new CommandDefinition(
            SelectCurrentStateSql, new { RoomId = roomId }, transaction, cancellationToken: cancellationToken));
        var state = new StateMap();
        foreach (var row in rows)
            state[(row.Type!, row.StateKey!)] = row.EventId!;
        return state;
    }

    /// <summary>The ids, checked: no null or empty id (they come from untrusted events).</summary>
    private static IReadOnlyCollection<string> CheckIds(IReadOnlyCollection<string> eventIds)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        foreach (var id in eventIds)
        {
            if (string.IsNullOrEmpty(id))
                throw new ArgumentException("Event ids must not be null or empty.", nameof(eventIds));
        }

        return eventIds;
    }

    private static void CheckTransactionKey(ClientTransactionKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(key.UserId, nameof(key));
        ArgumentException.ThrowIfNullOrEmpty(key.DeviceId, nameof(key));
        ArgumentException.ThrowIfNullOrEmpty(key.TransactionId, nameof(key));
    }

    /// <summary>A room's current state as of a version of current_state_versions.</summary>
    private sealed record CachedCurrentState(long Version, StateMap State);

    private sealed class VersionedStateEntryRow
    {
        public string Type { get; init; } = "";
        public string StateKey { get; init; } = "";
        public string EventId { get; init; } = "";
        public long Version { get; init; }
    }

    private sealed class TransactionRow
    {
        public string UserId { get; init; } = "";
        public string DeviceId { get; init; } = "";
        public string TxnId { get; init; } = "";
        public string EventId { get; init; } = "";
    }

    private sealed class StateGroupsRow
    {
        public long? Before { get; init; }
        public long? After { get; init; }
    }

    private sealed class StateEntryRow
    {
        public string? Type { get; init; }
        public string? StateKey { get; init; }
        public string? EventId { get; init; }
    }

    /// <summary>Dapper target: property setters convert SQLite's integer flags to bool.</summary>
    private class EventRow
    {
        public string EventId { get; init; } = "";
        public string RoomId { get; init; } = "";
        public string Type { get; init; } = "";
        public string? StateKey { get; init; }
        public string Sender { get; init; } = "";
        public long Depth { get; init; }
        public long OriginServerTs { get; init; }
        public long? StreamOrdering { get; init; }
        public bool IsOutlier { get; init; }
        public string? RejectionReason { get; init; }
        public bool IsSoftFailed { get; init; }
        public string? Redacts { get; init; }
        public byte[] Json { get; init; } = [];

        public EventRecord ToRecord() => new(
            EventId, RoomId, Type, StateKey, Sender, Depth, OriginServerTs, StreamOrdering,
            IsOutlier, RejectionReason, IsSoftFailed, Redacts, Json);
    }
}
