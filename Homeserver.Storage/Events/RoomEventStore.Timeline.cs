using Dapper;

namespace Homeserver.Storage.Events;

/// <summary>The stream-ordered reads of <see cref="IRoomTimelineStore"/>.</summary>
public sealed partial class RoomEventStore : IRoomTimelineStore
{
    private const string VisibleCondition = "e.rejection_reason IS NULL AND e.is_soft_failed = @No";

    private const string SelectRoomEventsForwardSql = $"""
        SELECT {EventColumns}
        FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
        WHERE e.room_id = @RoomId AND e.stream_ordering > @After AND e.stream_ordering <= @UpTo AND {VisibleCondition}
        ORDER BY e.stream_ordering LIMIT @Limit
        """;

    private const string SelectRoomEventsBackwardSql = $"""
        SELECT {EventColumns}
        FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
        WHERE e.room_id = @RoomId AND e.stream_ordering > @After AND e.stream_ordering <= @UpTo AND {VisibleCondition}
        ORDER BY e.stream_ordering DESC LIMIT @Limit
        """;

    private const string SelectLastEventAtSql = $"""
        SELECT n.event_id
        FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
        WHERE e.room_id = @RoomId AND e.stream_ordering <= @UpTo AND {VisibleCondition}
        ORDER BY e.stream_ordering DESC LIMIT 1
        """;

    private const string SelectLastStateGroupAtSql = $"""
        SELECT e.state_after_group
        FROM events e
        WHERE e.room_id = @RoomId AND e.stream_ordering <= @UpTo AND {VisibleCondition}
        ORDER BY e.stream_ordering DESC LIMIT 1
        """;

    // (origin_server_ts, stream_ordering) keyset order; the events_room_origin_ts index serves both directions.
    private const string SelectRoomEventsFromTimestampSql = $"""
        SELECT {EventColumns}
        FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
        WHERE e.room_id = @RoomId AND e.stream_ordering IS NOT NULL AND {VisibleCondition}
          AND (e.origin_server_ts > @Ts OR (e.origin_server_ts = @Ts AND e.stream_ordering > @Stream))
        ORDER BY e.origin_server_ts, e.stream_ordering LIMIT @Limit
        """;

    private const string SelectRoomEventsUntilTimestampSql = $"""
        SELECT {EventColumns}
        FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
        WHERE e.room_id = @RoomId AND e.stream_ordering IS NOT NULL AND {VisibleCondition}
          AND (e.origin_server_ts < @Ts OR (e.origin_server_ts = @Ts AND e.stream_ordering < @Stream))
        ORDER BY e.origin_server_ts DESC, e.stream_ordering DESC LIMIT @Limit
        """;

    internal const string SelectMembershipChangesSql = $"""
        SELECT e.room_id AS RoomId, n.event_id AS EventId, e.membership AS Membership, e.stream_ordering AS StreamOrdering
        FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
        WHERE e.type = 'm.room.member' AND e.state_key = @UserId AND e.stream_ordering > @After AND e.stream_ordering <= @UpTo
          AND e.membership IS NOT NULL AND {VisibleCondition}
        ORDER BY e.stream_ordering
        """;

    public async Task<IReadOnlyList<EventRecord>> GetRoomEventsAsync(string roomId, long afterExclusive, long upToInclusive, bool backwards,
        int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (upToInclusive <= afterExclusive)
            return [];
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(
            backwards ? SelectRoomEventsBackwardSql : SelectRoomEventsForwardSql,
            new { RoomId = roomId, After = afterExclusive, UpTo = upToInclusive, Limit = limit, No = false },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task<string?> GetLastEventIdAtAsync(string roomId, long upToInclusive, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            SelectLastEventAtSql, new { RoomId = roomId, UpTo = upToInclusive, No = false }, cancellationToken: cancellationToken));
    }

    public async Task<StateMap?> GetStateAtAsync(string roomId, long upToInclusive, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var group = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            SelectLastStateGroupAtSql, new { RoomId = roomId, UpTo = upToInclusive, No = false }, cancellationToken: cancellationToken));
        if (group is null)
            return null;
        var snapshot = await LoadSnapshotAsync(connection, null, group.Value, null, cancellationToken);
        return new StateMap(snapshot.State);
    }

    public async Task<IReadOnlyList<EventRecord>> GetRoomEventsByTimestampAsync(string roomId, TimestampCursor cursor, bool backwards, int limit,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        ArgumentNullException.ThrowIfNull(cursor);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        // Without a stream position the cursor includes every event of its timestamp.
        var stream = cursor.StreamOrdering ?? (backwards ? long.MaxValue : long.MinValue);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(
            backwards ? SelectRoomEventsUntilTimestampSql : SelectRoomEventsFromTimestampSql,
            new { RoomId = roomId, Ts = cursor.OriginServerTs, Stream = stream, Limit = limit, No = false },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task<IReadOnlyList<MembershipChange>> GetMembershipChangesAsync(string userId, long afterExclusive, long upToInclusive,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (upToInclusive <= afterExclusive)
            return [];
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<MembershipChange>(new CommandDefinition(
            SelectMembershipChangesSql, new { UserId = userId, After = afterExclusive, UpTo = upToInclusive, No = false },
            cancellationToken: cancellationToken));
        return [.. rows];
    }

    public async Task<IReadOnlyList<EventRecord>> GetRedactionsOfAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        var ids = CheckIds(eventIds);
        if (ids.Count == 0)
            return [];
        var sql = $"""
            SELECT {EventColumns}
            FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
            WHERE {_rows.In("e.redacts", "Ids")} AND e.stream_ordering IS NOT NULL AND {VisibleCondition}
            ORDER BY e.stream_ordering
            """;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(
            sql, new { Ids = JsonRows.Encode(ids), No = false }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task<IReadOnlyDictionary<string, string>> GetTransactionIdsAsync(string userId, string deviceId,
        IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        var ids = CheckIds(eventIds);
        if (ids.Count == 0)
            return new Dictionary<string, string>();
        var sql = $"""
            SELECT n.event_id AS A, t.txn_id AS B
            FROM client_transactions t JOIN event_nids n ON n.event_nid = t.event_nid
            WHERE t.user_id = @UserId AND t.device_id = @DeviceId AND {_rows.In("n.event_id", "Ids")}
            """;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string A, string B)>(new CommandDefinition(
            sql, new { UserId = userId, DeviceId = deviceId, Ids = JsonRows.Encode(ids) }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.A, r => r.B, StringComparer.Ordinal);
    }
}
