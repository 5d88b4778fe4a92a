using System.Data.Common;
using Dapper;

namespace Homeserver.Storage.Events;

/// <summary>The writes and reads of <see cref="IRoomBackfillStore"/>.</summary>
public sealed partial class RoomEventStore : IRoomBackfillStore
{
    /// <summary>
    /// The backfill counter is a row of stream_positions that counts down from 0; created on first
    /// use, and locked until commit like the events counter.
    /// </summary>
    private const string RetreatBackfillStreamSql = """
        INSERT INTO stream_positions (stream, position) VALUES ('backfill', 0) ON CONFLICT (stream) DO NOTHING;
        UPDATE stream_positions SET position = position - @Count WHERE stream = 'backfill' RETURNING position;
        """;

    private const string RoomExistsSql = "SELECT COUNT(*) FROM rooms WHERE room_id = @RoomId";

    private const string CreateEventInTimelineSql = """
        SELECT COUNT(*) FROM rooms r JOIN event_nids n ON n.event_id = r.create_event_id JOIN events e ON e.event_nid = n.event_nid
        WHERE r.room_id = @RoomId AND e.stream_ordering IS NOT NULL
        """;

    /// <summary>Walks the room's timeline from its oldest event, which is where the holes are.</summary>
    private const string SelectBackwardExtremitiesSql = """
        SELECT pn.event_id
        FROM events e
        JOIN event_prev_edges p ON p.event_nid = e.event_nid
        JOIN event_nids pn ON pn.event_nid = p.prev_event_nid
        LEFT JOIN events pe ON pe.event_nid = p.prev_event_nid
        WHERE e.room_id = @RoomId AND e.stream_ordering IS NOT NULL AND pe.stream_ordering IS NULL
        ORDER BY e.stream_ordering, pn.event_id
        LIMIT @Limit
        """;

    public async Task<IReadOnlyList<PersistedEvent>> PersistBackfilledAsync(string roomId, IReadOnlyList<EventToPersist> events,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
            CheckEvent(e, roomId, requireStateBefore: !(e?.IsOutlier ?? true));
        if (events.Count == 0)
            return [];
        var work = new PersistWork(roomId);
        var persisted = await _database.InTransactionAsync(
            (connection, transaction) => PersistBackfilledInTransactionAsync(connection, transaction, roomId, events, work, cancellationToken),
            cancellationToken);
        foreach (var snapshot in work.Snapshots.Values)
            _snapshots.Set(snapshot.Group, snapshot);
        return persisted;
    }

    public async Task<IReadOnlyList<string>> GetBackwardExtremitiesAsync(string roomId, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(CreateEventInTimelineSql, new { RoomId = roomId },
                cancellationToken: cancellationToken)) > 0)
            return [];
        var rows = await connection.QueryAsync<string>(new CommandDefinition(SelectBackwardExtremitiesSql,
            new { RoomId = roomId, Limit = limit * 4 }, cancellationToken: cancellationToken));
        return [.. rows.Distinct(StringComparer.Ordinal).Take(limit)];
    }

    private async Task<IReadOnlyList<PersistedEvent>> PersistBackfilledInTransactionAsync(DbConnection connection, DbTransaction transaction,
        string roomId, IReadOnlyList<EventToPersist> events, PersistWork work, CancellationToken cancellationToken)
    {
        // The room's write lock: backfill shares the interning and snapshot tables with the room's writer.
        if (_sql.LockRoom is not null)
            await connection.ExecuteAsync(new CommandDefinition(_sql.LockRoom, new { RoomId = roomId }, transaction, cancellationToken: cancellationToken));
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(RoomExistsSql, new { RoomId = roomId }, transaction,
                cancellationToken: cancellationToken)) == 0)
            throw new ArgumentException($"Room {roomId} is not known here.", nameof(roomId));

        var stored = await SelectStoredEventsAsync(connection, transaction, events.SelectMany(e => e.PrevEvents.Append(e.EventId)), cancellationToken);
        var fresh = events
            .Where(e => !stored.TryGetValue(e.EventId, out var row) || (row.IsOutlier && !e.IsOutlier))
            .DistinctBy(e => e.EventId).ToList();
        if (fresh.Count == 0)
            return [.. events.Select(e => new PersistedEvent(e.EventId, stored[e.EventId].StreamOrdering))];
        var nids = await InternEventIdsAsync(connection, transaction, fresh.SelectMany(ReferencedIds), work, cancellationToken);

        var groups = await SnapshotGroupsAsync(connection, transaction, fresh, stored, work, cancellationToken);

        var (prevEdges, authEdges) = Edges(fresh, nids);
        await connection.ExecuteAsync(new CommandDefinition(_sql.InsertEdges,
            new { PrevEdges = prevEdges, AuthEdges = authEdges }, transaction, cancellationToken: cancellationToken));

        var timeline = fresh.Count(e => !e.IsOutlier);
        var next = 0L;
        if (timeline > 0)
            next = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                RetreatBackfillStreamSql, new { Count = timeline }, transaction, cancellationToken: cancellationToken));

        var orderings = await InsertTimelineRowsAsync(connection, transaction, fresh, nids, groups, next, cancellationToken);
        return [.. events.DistinctBy(e => e.EventId).Select(e => new PersistedEvent(e.EventId,
            orderings.TryGetValue(e.EventId, out var ordering) ? ordering : stored[e.EventId].StreamOrdering))];
    }
}
