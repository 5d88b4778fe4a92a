using Dapper;

namespace Homeserver.Storage.Events;

/// <summary>The relationship reads of <see cref="IRoomRelationStore"/>, over the <c>relates_to_id</c> and <c>relation_type</c> columns.</summary>
public sealed partial class RoomEventStore : IRoomRelationStore
{
    /// <summary>A visible child whose relationship no visible redaction has broken.</summary>
    private const string LiveChildCondition = $"""
        e.stream_ordering IS NOT NULL AND {VisibleCondition}
        AND NOT EXISTS (SELECT 1 FROM events r WHERE r.redacts = n.event_id AND r.stream_ordering IS NOT NULL
                        AND r.rejection_reason IS NULL AND r.is_soft_failed = @No)
        """;

    private const string SelectRelationSql = """
        SELECT e.relates_to_id AS ParentEventId, e.relation_type AS RelationType
        FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
        WHERE n.event_id = @EventId AND e.relates_to_id IS NOT NULL
        """;

    public async Task<IReadOnlyList<EventRecord>> GetChildrenAsync(string roomId, IReadOnlyCollection<string> parentIds, string? relationType,
        string? eventType, long afterExclusive, long upToInclusive, bool backwards, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var ids = CheckIds(parentIds);
        if (ids.Count == 0 || upToInclusive <= afterExclusive)
            return [];
        var sql = $"""
            SELECT {EventColumns}
            FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
            WHERE {_rows.In("e.relates_to_id", "Ids")} AND e.room_id = @RoomId
              AND e.stream_ordering > @After AND e.stream_ordering <= @UpTo AND {LiveChildCondition}
              {(relationType is null ? "" : "AND e.relation_type = @RelationType")}
              {(eventType is null ? "" : "AND e.type = @EventType")}
            ORDER BY e.stream_ordering {(backwards ? "DESC" : "")} LIMIT @Limit
            """;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(sql, new
        {
            Ids = JsonRows.Encode(ids), RoomId = roomId, After = afterExclusive, UpTo = upToInclusive,
            RelationType = relationType, EventType = eventType, Limit = limit, No = false,
        }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task<IReadOnlyList<ThreadSummary>> GetThreadSummariesAsync(string roomId, IReadOnlyCollection<string> rootIds, string userId,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        var ids = CheckIds(rootIds);
        if (ids.Count == 0)
            return [];
        var sql = $"""
            SELECT e.relates_to_id AS RootEventId, COUNT(*) AS Count, MAX(e.stream_ordering) AS LatestStreamOrdering,
                   SUM(CASE WHEN e.sender = @UserId THEN 1 ELSE 0 END) AS UserParticipated
            FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
            WHERE {_rows.In("e.relates_to_id", "Ids")} AND e.room_id = @RoomId AND e.relation_type = 'm.thread' AND {LiveChildCondition}
            GROUP BY e.relates_to_id
            """;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ThreadRow>(new CommandDefinition(sql,
            new { Ids = JsonRows.Encode(ids), RoomId = roomId, UserId = userId, No = false }, cancellationToken: cancellationToken))).ToList();
        return await WithLatestIdsAsync(connection, rows, cancellationToken);
    }

    public async Task<IReadOnlyList<ThreadSummary>> GetThreadsAsync(string roomId, string? participant, long upToInclusive, int limit,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        // A thread is the user's when they replied in it or sent its root.
        var participated = participant is null ? "" : """
            HAVING SUM(CASE WHEN e.sender = @UserId THEN 1 ELSE 0 END) > 0
                OR EXISTS (SELECT 1 FROM events root JOIN event_nids rn ON rn.event_nid = root.event_nid
                           WHERE rn.event_id = e.relates_to_id AND root.sender = @UserId)
            """;
        var sql = $"""
            SELECT * FROM (
                SELECT e.relates_to_id AS RootEventId, COUNT(*) AS Count, MAX(e.stream_ordering) AS LatestStreamOrdering,
                       SUM(CASE WHEN e.sender = @UserId THEN 1 ELSE 0 END) AS UserParticipated
                FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
                WHERE e.room_id = @RoomId AND e.relation_type = 'm.thread' AND {LiveChildCondition}
                GROUP BY e.relates_to_id
                {participated}
            ) threads
            WHERE LatestStreamOrdering <= @UpTo
            ORDER BY LatestStreamOrdering DESC LIMIT @Limit
            """;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ThreadRow>(new CommandDefinition(sql,
            new { RoomId = roomId, UserId = participant ?? "", UpTo = upToInclusive, Limit = limit, No = false },
            cancellationToken: cancellationToken))).ToList();
        return await WithLatestIdsAsync(connection, rows, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, EventRecord>> GetLatestEditsAsync(string roomId, IReadOnlyCollection<string> parentIds,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        var ids = CheckIds(parentIds);
        if (ids.Count == 0)
            return new Dictionary<string, EventRecord>();
        // A replacement counts only from the original's sender, with its type, and not as a state event.
        var sql = $"""
            SELECT {EventColumns}, e.relates_to_id AS RelatesToId
            FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
            JOIN event_nids pn ON pn.event_id = e.relates_to_id
            JOIN events p ON p.event_nid = pn.event_nid
            WHERE {_rows.In("e.relates_to_id", "Ids")} AND e.room_id = @RoomId AND e.relation_type = 'm.replace'
              AND e.sender = p.sender AND e.type = p.type AND e.state_key IS NULL AND p.state_key IS NULL AND p.room_id = e.room_id
              AND {LiveChildCondition}
            ORDER BY e.stream_ordering
            """;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<EditRow>(new CommandDefinition(sql,
            new { Ids = JsonRows.Encode(ids), RoomId = roomId, No = false }, cancellationToken: cancellationToken));
        var latest = new Dictionary<string, EventRecord>(StringComparer.Ordinal);
        foreach (var row in rows)
            latest[row.RelatesToId] = row.ToRecord();
        return latest;
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetReferencesAsync(string roomId, IReadOnlyCollection<string> parentIds,
        int limitPerParent, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        var ids = CheckIds(parentIds);
        if (ids.Count == 0)
            return new Dictionary<string, IReadOnlyList<string>>();
        var sql = $"""
            SELECT e.relates_to_id AS A, n.event_id AS B
            FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
            WHERE {_rows.In("e.relates_to_id", "Ids")} AND e.room_id = @RoomId AND e.relation_type = 'm.reference' AND {LiveChildCondition}
            ORDER BY e.stream_ordering
            """;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string A, string B)>(new CommandDefinition(sql,
            new { Ids = JsonRows.Encode(ids), RoomId = roomId, No = false }, cancellationToken: cancellationToken));
        return rows.GroupBy(r => r.A, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(r => r.B).Take(limitPerParent)], StringComparer.Ordinal);
    }

    public async Task<EventRelation?> GetRelationAsync(string eventId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<EventRelation>(new CommandDefinition(
            SelectRelationSql, new { EventId = eventId }, cancellationToken: cancellationToken));
    }

    /// <summary>Fills in the id of each thread's latest reply (the event at its latest stream ordering).</summary>
    private async Task<IReadOnlyList<ThreadSummary>> WithLatestIdsAsync(System.Data.Common.DbConnection connection, List<ThreadRow> rows,
        CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
            return [];
        var sql = $"""
            SELECT e.stream_ordering AS A, n.event_id AS B
            FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
            WHERE {_rows.InFirstNumbers("e.stream_ordering", "Positions")}
            """;
        var ids = (await connection.QueryAsync<(long A, string B)>(new CommandDefinition(sql,
            new { Positions = JsonRows.Encode(rows.Select(r => (r.LatestStreamOrdering, (long?)null))) }, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.A, r => r.B);
        return [.. rows.Select(r => new ThreadSummary(r.RootEventId, r.Count, ids[r.LatestStreamOrdering], r.LatestStreamOrdering, r.UserParticipated > 0))];
    }

    private sealed class ThreadRow
    {
        public string RootEventId { get; init; } = "";
        public long Count { get; init; }
        public long LatestStreamOrdering { get; init; }
        public long UserParticipated { get; init; }
    }

    private sealed class EditRow : EventRow
    {
        public string RelatesToId { get; init; } = "";
    }
}
