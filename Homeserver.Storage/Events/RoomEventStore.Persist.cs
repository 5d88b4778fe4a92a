using System.Data.Common;
using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Events;

public sealed partial class RoomEventStore
{
    /// <summary>Attempts at a batch the database aborted to break a deadlock.</summary>
    private const int MaxDeadlockAttempts = 3;

    private const string InsertRoomSql = """
        INSERT INTO rooms (room_id, room_version, creator_user_id, create_event_id)
        VALUES (@RoomId, @RoomVersion, @CreatorUserId, @CreateEventId)
        """;

    private const string InsertClientTransactionSql = """
        INSERT INTO client_transactions (user_id, device_id, txn_id, event_nid) VALUES (@UserId, @DeviceId, @TransactionId, @EventNid)
        """;

    /// <summary>Takes the next positions of the events stream; the row stays locked until commit.</summary>
    private const string AdvanceEventStreamSql = """
        UPDATE stream_positions SET position = position + @Count WHERE stream = 'events' RETURNING position
        """;

    /// <summary>
    /// ON CONFLICT: outliers may be written by several tasks at once (the first one wins), and an
    /// outlier that later arrives in the room's timeline takes its place there (de-outliering).
    /// </summary>
    private const string InsertEventSql = """
        INSERT INTO events (event_nid, room_id, type, state_key, sender, depth, origin_server_ts, stream_ordering,
                            is_outlier, rejection_reason, is_soft_failed, redacts, membership,
                            state_before_group, state_after_group, json, relates_to_id, relation_type)
        VALUES (@EventNid, @RoomId, @Type, @StateKey, @Sender, @Depth, @OriginServerTs, @StreamOrdering,
                @IsOutlier, @RejectionReason, @IsSoftFailed, @Redacts, @Membership,
                @StateBeforeGroup, @StateAfterGroup, @Json, @RelatesToId, @RelationType)
        ON CONFLICT (event_nid) DO UPDATE SET
            stream_ordering = excluded.stream_ordering, is_outlier = excluded.is_outlier,
            rejection_reason = excluded.rejection_reason, is_soft_failed = excluded.is_soft_failed,
            state_before_group = excluded.state_before_group, state_after_group = excluded.state_after_group
        WHERE events.is_outlier AND NOT excluded.is_outlier
        """;

    public async Task<IReadOnlyList<PersistedEvent>> PersistAsync(RoomEventBatch batch, CancellationToken cancellationToken)
    {
        CheckBatch(batch);
        PersistWork work;
        IReadOnlyList<PersistedEvent> persisted;
        for (var attempt = 1; ; attempt++)
        {
            // A fresh work record per attempt: nothing of a rolled-back transaction may survive it.
            work = new PersistWork(batch.RoomId);
            try
            {
                persisted = await _database.InTransactionAsync(
                    (connection, transaction) => PersistInTransactionAsync(connection, transaction, batch, work, cancellationToken),
                    cancellationToken);
                break;
            }
            catch (DbException e) when (_database.Dialect.IsUniqueViolation(e))
            {
                throw new StorageConflictException($"The batch for room {batch.RoomId} collides with stored data (a client transaction id already used?).", e);
            }
            catch (DbException e) when (_database.Dialect.IsDeadlock(e) && attempt < MaxDeadlockAttempts)
            {
                // Rows shared across rooms (interned state keys and event ids) can still meet in opposite orders
                // in rare cases (state maps of remote joins); the database broke the cycle, so write again.
            }
        }

        // Only committed snapshots enter the caches: SQLite may reuse the ids of rolled-back rows.
        foreach (var snapshot in work.Snapshots.Values)
            _snapshots.Set(snapshot.Group, snapshot);
        if (work.CurrentState is { } current)
            _currentStates.Set(batch.RoomId, current);
        return persisted;
    }

    public async Task PersistOutliersAsync(IReadOnlyList<EventToPersist> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
            CheckEvent(e, e?.RoomId ?? "", requireStateBefore: false);
        if (events.Count == 0)
            return;
        await _database.InTransactionAsync(async (connection, transaction) =>
        {
            var stored = await SelectStoredEventsAsync(connection, transaction, events.Select(e => e.EventId), cancellationToken);
            var fresh = events.Where(e => !stored.ContainsKey(e.EventId)).DistinctBy(e => e.EventId).ToList();
            if (fresh.Count == 0)
                return;
            var nids = await InternEventIdsAsync(connection, transaction, fresh.SelectMany(ReferencedIds), null, cancellationToken);
            var (prevEdges, authEdges) = Edges(fresh, nids);
            await connection.ExecuteAsync(new CommandDefinition(_sql.InsertEdges,
                new { PrevEdges = prevEdges, AuthEdges = authEdges }, transaction, cancellationToken: cancellationToken));
            await InsertEventRowsAsync(connection, transaction, fresh.Select(e => ToRow(e, nids, null, null, null, outlier: true)), cancellationToken);
        }, cancellationToken);
    }

    private async Task<IReadOnlyList<PersistedEvent>> PersistInTransactionAsync(
        DbConnection connection, DbTransaction transaction, RoomEventBatch batch, PersistWork work, CancellationToken cancellationToken)
    {
        var roomId = batch.RoomId;

        // One round trip: the room lock (PostgreSQL), then, read under it, whether the room exists, its forward
        // extremities, which of the batch's events and their prev events are stored and the current state's
        // version; last the interning of every id the batch refers to (a no-op for stored ones).
        var lookedUp = batch.Events.SelectMany(e => e.PrevEvents.Append(e.EventId)).Distinct(StringComparer.Ordinal).ToList();
        var interned = batch.Events.SelectMany(ReferencedIds).Concat(batch.NewForwardExtremities)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        // The batch's own state keys, interned in one sorted statement: new keys met one snapshot at a time
        // would lock rows of the shared table in batch order, and two rooms gaining the same members in
        // opposite orders would deadlock.
        var stateKeys = batch.Events.Where(e => e.StateKey is not null).Select(e => (e.Type, StateKey: e.StateKey!)).Distinct()
            .OrderBy(k => k.Type, StringComparer.Ordinal).ThenBy(k => k.StateKey, StringComparer.Ordinal).ToList();
        long roomExists;
        long stateVersion;
        List<string> extremities;
        Dictionary<string, StoredEventRow> stored;
        await using (var reads = await connection.QueryMultipleAsync(new CommandDefinition(_sql.OpenBatch,
            new { RoomId = roomId, Ids = JsonRows.Encode(lookedUp), Intern = JsonRows.Encode(interned), Keys = JsonRows.Encode(stateKeys) },
            transaction, cancellationToken: cancellationToken)))
        {
            if (_sql.LockRoom is not null)
                await reads.ReadAsync();
            roomExists = await reads.ReadSingleAsync<long>();
            extremities = [.. await reads.ReadAsync<string>()];
            stored = (await reads.ReadAsync<StoredEventRow>()).ToDictionary(r => r.EventId, StringComparer.Ordinal);
            stateVersion = await reads.ReadSingleAsync<long>();
            foreach (var row in await reads.ReadAsync<NidRow>())
                work.EventNids[row.A] = row.B;
            foreach (var row in await reads.ReadAsync<StateKeyRow>())
                work.StateKeyNids[(row.Type, row.StateKey)] = row.Nid;
        }

        if (batch.NewRoom is { } newRoom)
        {
            if (roomExists > 0)
                throw new StorageConflictException($"Room {roomId} already exists.");
            await connection.ExecuteAsync(new CommandDefinition(InsertRoomSql,
                new { RoomId = roomId, newRoom.RoomVersion, newRoom.CreatorUserId, newRoom.CreateEventId }, transaction, cancellationToken: cancellationToken));
        }

        if (!new HashSet<string>(extremities, StringComparer.Ordinal).SetEquals(batch.ExpectedForwardExtremities)
            || (batch.AssumedNew is { } assumedNew && assumedNew.Any(stored.ContainsKey)))
            throw new RoomChangedException(roomId);

        // Events already stored are skipped (idempotent re-persist) and keep their stream ordering,
        // except outliers now placed in the timeline, which are written again as timeline events.
        var fresh = batch.Events
            .Where(e => !stored.TryGetValue(e.EventId, out var row) || (row.IsOutlier && !e.IsOutlier))
            .DistinctBy(e => e.EventId).ToList();
        var nids = work.EventNids;

        var groups = await SnapshotGroupsAsync(connection, transaction, fresh, stored, work, cancellationToken);

        if (batch.NewCurrentState is { } newState)
        {
            var memberships = fresh.Where(e => e.Membership is not null).ToDictionary(e => e.EventId, e => e.Membership!, StringComparer.Ordinal);
            await ApplyCurrentStateAsync(connection, transaction, roomId, stateVersion, newState, memberships, work, cancellationToken);
        }

        var orderings = _database.Dialect.Backend == DatabaseBackend.Postgres
            ? await WriteBatchPostgresAsync(connection, transaction, roomId, fresh, nids, groups, batch.NewForwardExtremities, cancellationToken)
            : await WriteBatchAsync(connection, transaction, roomId, fresh, nids, groups, batch.NewForwardExtremities, cancellationToken);
        return [.. batch.Events.Select(e => new PersistedEvent(e.EventId,
            orderings.TryGetValue(e.EventId, out var ordering) ? ordering : stored[e.EventId].StreamOrdering))];
    }

    /// <summary>PostgreSQL: the batch's edges, extremities, client transactions, stream positions and rows in one round trip.</summary>
    private async Task<Dictionary<string, long?>> WriteBatchPostgresAsync(DbConnection connection, DbTransaction transaction, string roomId,
        List<EventToPersist> fresh, Dictionary<string, long> nids, Dictionary<string, (long Before, long After)> groups,
        IReadOnlyCollection<string> newExtremities, CancellationToken cancellationToken)
    {
        var prev = fresh.SelectMany(e => e.PrevEvents.Select(p => (From: nids[e.EventId], To: nids[p]))).ToList();
        var auth = fresh.SelectMany(e => e.AuthEvents.Select(a => (From: nids[e.EventId], To: nids[a]))).ToList();
        var transactions = fresh.Where(e => e.ClientTransaction is not null).ToList();
        var rank = 0L;
        var ranks = fresh.Select(e => e.IsOutlier ? 0L : ++rank).ToArray();
        var parameters = EventArrays(fresh, nids, groups, ranks);
        parameters.AddDynamicParams(new
        {
            RoomId = roomId,
            PrevFrom = prev.Select(x => x.From).ToArray(),
            PrevTo = prev.Select(x => x.To).ToArray(),
            AuthFrom = auth.Select(x => x.From).ToArray(),
            AuthTo = auth.Select(x => x.To).ToArray(),
            Extremities = newExtremities.Select(id => nids[id]).Distinct().ToArray(),
            TxnUsers = transactions.Select(e => e.ClientTransaction!.UserId).ToArray(),
            TxnDevices = transactions.Select(e => e.ClientTransaction!.DeviceId).ToArray(),
            TxnIds = transactions.Select(e => e.ClientTransaction!.TransactionId).ToArray(),
            TxnNids = transactions.Select(e => nids[e.EventId]).ToArray(),
            Timeline = rank,
        });
        var last = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            _sql.WriteBatchPostgres, parameters, transaction, cancellationToken: cancellationToken));
        var orderings = new Dictionary<string, long?>(StringComparer.Ordinal);
        for (var i = 0; i < fresh.Count; i++)
            orderings[fresh[i].EventId] = ranks[i] == 0 ? null : last - rank + ranks[i];
        return orderings;
    }

    /// <summary>SQLite (in process, so statements cost no round trip): the same writes, statement by statement.</summary>
    private async Task<Dictionary<string, long?>> WriteBatchAsync(DbConnection connection, DbTransaction transaction, string roomId,
        List<EventToPersist> fresh, Dictionary<string, long> nids, Dictionary<string, (long Before, long After)> groups,
        IReadOnlyCollection<string> newExtremities, CancellationToken cancellationToken)
    {
        var (prevEdges, authEdges) = Edges(fresh, nids);
        await connection.ExecuteAsync(new CommandDefinition(_sql.InsertEdgesAndReplaceExtremities, new
        {
            RoomId = roomId,
            PrevEdges = prevEdges,
            AuthEdges = authEdges,
            Nids = JsonRows.Encode(newExtremities.Select(id => (nids[id], (long?)null))),
        }, transaction, cancellationToken: cancellationToken));

        foreach (var e in fresh.Where(e => e.ClientTransaction is not null))
        {
            var key = e.ClientTransaction!;
            await connection.ExecuteAsync(new CommandDefinition(InsertClientTransactionSql,
                new { key.UserId, key.DeviceId, key.TransactionId, EventNid = nids[e.EventId] }, transaction, cancellationToken: cancellationToken));
        }

        // Last: the stream counter row stays locked until commit, so keep this section short.
        var timeline = fresh.Count(e => !e.IsOutlier);
        var next = 0L;
        if (timeline > 0)
        {
            var last = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                AdvanceEventStreamSql, new { Count = timeline }, transaction, cancellationToken: cancellationToken));
            next = last - timeline + 1;
        }
        return await InsertTimelineRowsAsync(connection, transaction, fresh, nids, groups, next, cancellationToken);
    }

    /// <summary>
    /// Inserts the event rows: timeline events get consecutive stream positions from <paramref name="firstOrdering"/>
    /// in their order (with their state groups), outliers none. Returns each event's position.
    /// </summary>
    private async Task<Dictionary<string, long?>> InsertTimelineRowsAsync(DbConnection connection, DbTransaction transaction,
        List<EventToPersist> fresh, Dictionary<string, long> nids, Dictionary<string, (long Before, long After)> groups, long firstOrdering,
        CancellationToken cancellationToken)
    {
        var next = firstOrdering;
        var orderings = new Dictionary<string, long?>(StringComparer.Ordinal);
        var rows = new List<EventInsertRow>(fresh.Count);
        foreach (var e in fresh)
        {
            long? ordering = e.IsOutlier ? null : next++;
            orderings[e.EventId] = ordering;
            var (before, after) = e.IsOutlier ? ((long?)null, (long?)null) : groups[e.EventId];
            rows.Add(ToRow(e, nids, ordering, before, after, e.IsOutlier));
        }
        await InsertEventRowsAsync(connection, transaction, rows, cancellationToken);
        return orderings;
    }

    private async Task<Dictionary<string, StoredEventRow>> SelectStoredEventsAsync(
        DbConnection connection, DbTransaction transaction, IEnumerable<string> eventIds, CancellationToken cancellationToken)
    {
        var ids = eventIds.Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
            return new Dictionary<string, StoredEventRow>(StringComparer.Ordinal);
        var rows = await connection.QueryAsync<StoredEventRow>(new CommandDefinition(
            _sql.SelectStoredEvents, new { Ids = JsonRows.Encode(ids) }, transaction, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.EventId, StringComparer.Ordinal);
    }

    /// <summary>
    /// The 64-bit ids of the given event ids, interning the unknown ones in one round trip (sorted,
    /// so concurrent writers take the unique-index locks in one order). Ids already resolved in this
    /// batch are not asked again.
    /// </summary>
    private async Task<Dictionary<string, long>> InternEventIdsAsync(
        DbConnection connection, DbTransaction transaction, IEnumerable<string> eventIds, PersistWork? work, CancellationToken cancellationToken)
    {
        var known = work?.EventNids ?? new Dictionary<string, long>(StringComparer.Ordinal);
        var ids = eventIds.Distinct(StringComparer.Ordinal).ToList();
        var missing = ids.Where(id => !known.ContainsKey(id)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            var rows = await connection.QueryAsync<NidRow>(new CommandDefinition(
                _sql.InternEventNids, new { Ids = JsonRows.Encode(missing) }, transaction, cancellationToken: cancellationToken));
            foreach (var row in rows)
                known[row.A] = row.B;
        }

        return ids.ToDictionary(id => id, id => known[id], StringComparer.Ordinal);
    }

    /// <summary>The prev and auth edges of the events as JSON parameters.</summary>
    private static (string Prev, string Auth) Edges(List<EventToPersist> events, Dictionary<string, long> nids) => (
        JsonRows.Encode(events.SelectMany(e => e.PrevEvents.Select(p => (nids[e.EventId], (long?)nids[p])))),
        JsonRows.Encode(events.SelectMany(e => e.AuthEvents.Select(a => (nids[e.EventId], (long?)nids[a])))));

    private async Task InsertEventRowsAsync(
        DbConnection connection, DbTransaction transaction, IEnumerable<EventInsertRow> rows, CancellationToken cancellationToken)
    {
        if (_database.Dialect.Backend == DatabaseBackend.Postgres)
        {
            // One statement over arrays: a round trip per row would dominate a batch.
            var list = rows.ToList();
            if (list.Count == 0)
                return;
            await connection.ExecuteAsync(new CommandDefinition(_sql.InsertEventsPostgres, RowArrays(list), transaction, cancellationToken: cancellationToken));
            return;
        }
        // SQLite is in process: no round trips to save, but several rows per prepared statement still save per-statement work.
        await InsertEventRowsInChunksAsync(connection, transaction, rows.ToList(), cancellationToken);
    }

    /// <summary>The event rows of a PostgreSQL batch as array parameters (rank: the stream ordering's rank, 0 for none).</summary>
    private static DynamicParameters EventArrays(List<EventToPersist> fresh, Dictionary<string, long> nids,
        Dictionary<string, (long Before, long After)> groups, long[] ranks) =>
        RowArrays([.. fresh.Select((e, i) =>
        {
            var (before, after) = e.IsOutlier ? ((long?)null, (long?)null) : groups[e.EventId];
            return ToRow(e, nids, ranks[i] == 0 ? null : ranks[i], before, after, e.IsOutlier);
        })]);

    /// <summary>Rows as one array per column; null numbers travel as 0, which no stream ordering or state group is.</summary>
    private static DynamicParameters RowArrays(List<EventInsertRow> rows) => new(new
    {
        Nids = rows.Select(r => r.EventNid).ToArray(),
        RoomIds = rows.Select(r => r.RoomId).ToArray(),
        Types = rows.Select(r => r.Type).ToArray(),
        StateKeys = rows.Select(r => r.StateKey).ToArray(),
        Senders = rows.Select(r => r.Sender).ToArray(),
        Depths = rows.Select(r => r.Depth).ToArray(),
        Timestamps = rows.Select(r => r.OriginServerTs).ToArray(),
        Ranks = rows.Select(r => r.StreamOrdering ?? 0).ToArray(),
        Outliers = rows.Select(r => r.IsOutlier).ToArray(),
        Rejections = rows.Select(r => r.RejectionReason).ToArray(),
        SoftFailed = rows.Select(r => r.IsSoftFailed).ToArray(),
        Redacts = rows.Select(r => r.Redacts).ToArray(),
        Memberships = rows.Select(r => r.Membership).ToArray(),
        Befores = rows.Select(r => r.StateBeforeGroup ?? 0).ToArray(),
        Afters = rows.Select(r => r.StateAfterGroup ?? 0).ToArray(),
        Jsons = rows.Select(r => r.Json).ToArray(),
        RelatesTo = rows.Select(r => r.RelatesToId).ToArray(),
        RelationTypes = rows.Select(r => r.RelationType).ToArray(),
    });

    private static IEnumerable<string> ReferencedIds(EventToPersist e) => e.PrevEvents.Concat(e.AuthEvents).Append(e.EventId);

    private static EventInsertRow ToRow(EventToPersist e, Dictionary<string, long> nids, long? streamOrdering, long? before, long? after, bool outlier) => new(
        nids[e.EventId], e.RoomId, e.Type, e.StateKey, e.Sender, e.Depth, e.OriginServerTs, streamOrdering,
        outlier, e.RejectionReason, e.IsSoftFailed, e.Redacts, e.Membership, before, after, e.Json,
        e.Relation?.ParentEventId, e.Relation?.RelationType);

    private static void CheckBatch(RoomEventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentException.ThrowIfNullOrEmpty(batch.RoomId, nameof(batch));
        ArgumentNullException.ThrowIfNull(batch.Events, nameof(batch));
        ArgumentNullException.ThrowIfNull(batch.ExpectedForwardExtremities, nameof(batch));
        ArgumentNullException.ThrowIfNull(batch.NewForwardExtremities, nameof(batch));
        if (batch.Events.Count == 0)
            throw new ArgumentException("A batch holds at least one event.", nameof(batch));
        foreach (var e in batch.Events)
            CheckEvent(e, batch.RoomId, requireStateBefore: !(e?.IsOutlier ?? true));
        CheckIds(batch.ExpectedForwardExtremities);
        CheckIds(batch.NewForwardExtremities);
        if (batch.NewCurrentState is { } state && state.Any(entry => entry.Key.Type is null || entry.Key.StateKey is null || string.IsNullOrEmpty(entry.Value)))
            throw new ArgumentException("The new current state has a null key or an empty event id.", nameof(batch));
        if (batch.NewRoom is { } room
            && (string.IsNullOrEmpty(room.RoomVersion) || string.IsNullOrEmpty(room.CreatorUserId) || string.IsNullOrEmpty(room.CreateEventId)))
            throw new ArgumentException("A new room needs its version, creator and create event id.", nameof(batch));
    }

    private static void CheckEvent(EventToPersist? e, string roomId, bool requireStateBefore)
    {
        if (e is null)
            throw new ArgumentException("A batch must not contain null events.");
        if (string.IsNullOrEmpty(e.EventId) || string.IsNullOrEmpty(e.RoomId) || string.IsNullOrEmpty(e.Type) || string.IsNullOrEmpty(e.Sender))
            throw new ArgumentException($"Event '{e.EventId}' lacks its id, room, type or sender.");
        if (!string.Equals(e.RoomId, roomId, StringComparison.Ordinal))
            throw new ArgumentException($"Event {e.EventId} belongs to room {e.RoomId}, not {roomId}.");
        if (e.Json is null || e.PrevEvents is null || e.AuthEvents is null)
            throw new ArgumentException($"Event {e.EventId} lacks its JSON or its edges.");
        CheckIds(e.PrevEvents);
        CheckIds(e.AuthEvents);
        if (requireStateBefore && e.StateBefore is null)
            throw new ArgumentException($"Event {e.EventId} is not an outlier, so it needs the state before it.");
    }

    /// <summary>What a batch wrote that the caches may keep once it commits.</summary>
    private sealed class PersistWork(string roomId)
    {
        public string RoomId { get; } = roomId;

        /// <summary>State keys interned or looked up in this transaction.</summary>
        public Dictionary<(string Type, string StateKey), long> StateKeyNids { get; } = [];

        /// <summary>Snapshots written by this batch, by group.</summary>
        public Dictionary<long, StateSnapshot> Snapshots { get; } = [];

        /// <summary>The after-state snapshot of each event of this batch.</summary>
        public Dictionary<string, StateSnapshot> AfterSnapshots { get; } = new(StringComparer.Ordinal);

        public CachedCurrentState? CurrentState { get; set; }

        /// <summary>Event ids interned or looked up in this transaction.</summary>
        public Dictionary<string, long> EventNids { get; } = new(StringComparer.Ordinal);
    }

    private sealed class StoredEventRow
    {
        public string EventId { get; init; } = "";
        public long? StreamOrdering { get; init; }
        public long? StateAfterGroup { get; init; }
        public string? Membership { get; init; }
        public bool IsOutlier { get; init; }
    }

    private sealed class NidRow
    {
        public string A { get; init; } = "";
        public long B { get; init; }
    }

    private sealed record EventInsertRow(
        long EventNid, string RoomId, string Type, string? StateKey, string Sender, long Depth, long OriginServerTs, long? StreamOrdering,
        bool IsOutlier, string? RejectionReason, bool IsSoftFailed, string? Redacts, string? Membership,
        long? StateBeforeGroup, long? StateAfterGroup, byte[] Json, string? RelatesToId, string? RelationType);
}
