using System.Text;
using System.Text.Json;
using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Push;

/// <summary>
/// The room_notifications, notifications (a user's own notifications and suppressions of the room's),
/// notification_audience (when local members were joined) and notification_read_marks tables; read positions come from the receipts table
/// (m.read and m.read.private) joined with the events they name. Writes of many rows are one statement: on SQLite the
/// rows travel as one JSON array parameter that <c>json_each</c> unpacks, on PostgreSQL as one array per column
/// that <c>unnest</c> turns into rows (the only SQL that differs between the backends).
/// </summary>
public sealed class NotificationStore(IDatabase database) : INotificationStore
{
    /// <summary>Rows written by one statement at most (a larger write is several statements in one transaction).</summary>
    public const int MaxRowsPerStatement = 5_000;

    /// <summary>PostgreSQL's array statements carry more rows: nothing is parsed on either side.</summary>
    public const int MaxRowsPerArrayStatement = 50_000;

    private const string InsertColumns =
        "INSERT INTO notifications (user_id, event_id, room_id, stream_ordering, thread_id, highlight, actions, ts, suppressed)";

    private const string InsertSqliteSql = InsertColumns + """

        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'),
               json_extract(value, '$[4]'), json_extract(value, '$[5]'), json_extract(value, '$[6]'), json_extract(value, '$[7]'),
               json_extract(value, '$[8]')
        FROM json_each(@Rows) WHERE true
        ON CONFLICT (user_id, stream_ordering) DO NOTHING
        """;

    /// <summary>PostgreSQL: one array parameter per column (binary, nothing to parse), unnested into rows.</summary>
    private const string InsertPostgresSql = InsertColumns + """

        SELECT * FROM unnest(@Users, @Events, @Rooms, @Orderings, @Threads, @Highlights, @Actions, @Ts, @Suppressed)
        ON CONFLICT (user_id, stream_ordering) DO NOTHING
        """;

    private const string InsertRoomColumns =
        "INSERT INTO room_notifications (room_id, stream_ordering, event_id, thread_id, sender, highlight, actions, ts)";

    private const string InsertRoomSqliteSql = InsertRoomColumns + """

        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'),
               json_extract(value, '$[4]'), json_extract(value, '$[5]'), json_extract(value, '$[6]'), json_extract(value, '$[7]')
        FROM json_each(@Rows) WHERE true
        ON CONFLICT (room_id, stream_ordering) DO NOTHING
        """;

    private const string InsertRoomPostgresSql = InsertRoomColumns + """

        SELECT * FROM unnest(@Rooms, @Orderings, @Events, @Threads, @Senders, @Highlights, @Actions, @Ts)
        ON CONFLICT (room_id, stream_ordering) DO NOTHING
        """;

    private const string InsertAudienceJoinSql = """
        INSERT INTO notification_audience (user_id, room_id, joined_at) VALUES (@UserId, @RoomId, @Position)
        ON CONFLICT (user_id, room_id, joined_at) DO NOTHING
        """;

    /// <summary>A leave ends the span of the latest join before it.</summary>
    private const string UpdateAudienceLeaveSql = """
        UPDATE notification_audience SET left_at = @Position
        WHERE user_id = @UserId AND room_id = @RoomId AND (left_at IS NULL OR left_at > @Position)
              AND joined_at = (SELECT MAX(b.joined_at) FROM notification_audience b
                               WHERE b.user_id = @UserId AND b.room_id = @RoomId AND b.joined_at < @Position)
        """;

    private const string UpsertReadMarkColumns = "INSERT INTO notification_read_marks (user_id, room_id, thread_id, stream_ordering)";

    private const string UpsertReadMarkSqliteRows = """

        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]')
        FROM json_each(@Rows) WHERE true
        """;

    private const string UpsertReadMarkPostgresRows = """

        SELECT * FROM unnest(@Users, @Rooms, @Threads, @Orderings)
        """;

    private const string UpsertReadMarkConflict = """

        ON CONFLICT (user_id, room_id, thread_id) DO UPDATE
        SET stream_ordering = CASE WHEN excluded.stream_ordering > notification_read_marks.stream_ordering
                                   THEN excluded.stream_ordering ELSE notification_read_marks.stream_ordering END
        """;

    private const string UpsertReadMarksSqliteSql = UpsertReadMarkColumns + UpsertReadMarkSqliteRows + UpsertReadMarkConflict;

    private const string UpsertReadMarksPostgresSql = UpsertReadMarkColumns + UpsertReadMarkPostgresRows + UpsertReadMarkConflict;

    private const string SelectReadPositionsSql = """
        SELECT r.thread_id AS ThreadId, MAX(e.stream_ordering) AS Position
        FROM receipts r
        JOIN event_nids n ON n.event_id = r.event_id
        JOIN events e ON e.event_nid = n.event_nid
        WHERE r.room_id = @RoomId AND r.user_id = @UserId AND r.receipt_type IN ('m.read', 'm.read.private')
              AND e.stream_ordering IS NOT NULL
        GROUP BY r.thread_id
        UNION ALL
        SELECT thread_id AS ThreadId, stream_ordering AS Position
        FROM notification_read_marks
        WHERE user_id = @UserId AND room_id = @RoomId
        """;

    /// <summary>
    /// The room's notifications count for a user while they are joined (room_memberships says so at once; the audience's
    /// latest join, written by the evaluation, says from where), unless it is their own
    /// event or they have their own row for it; their own rows count unless suppressed. @Thread null counts every thread.
    /// </summary>
    private const string CountAfterSql = """
        SELECT ThreadId, COUNT(*) AS NotificationCount, SUM(Highlight) AS HighlightCount
        FROM (
            SELECT r.thread_id AS ThreadId, r.highlight AS Highlight
            FROM room_notifications r
            WHERE r.room_id = @RoomId AND r.stream_ordering > @After AND r.sender <> @UserId
                  AND (@Thread IS NULL OR r.thread_id = @Thread)
                  AND r.stream_ordering > COALESCE((SELECT MAX(a.joined_at) FROM notification_audience a WHERE a.user_id = @UserId AND a.room_id = @RoomId), 0)
                  AND EXISTS (SELECT 1 FROM room_memberships m WHERE m.user_id = @UserId AND m.room_id = @RoomId AND m.membership = 'join')
                  AND NOT EXISTS (SELECT 1 FROM notifications x WHERE x.user_id = @UserId AND x.stream_ordering = r.stream_ordering)
            UNION ALL
            SELECT thread_id AS ThreadId, highlight AS Highlight
            FROM notifications
            WHERE user_id = @UserId AND room_id = @RoomId AND stream_ordering > @After AND suppressed = 0
                  AND (@Thread IS NULL OR thread_id = @Thread)
        ) AS n
        GROUP BY ThreadId
        """;

    private const string SelectRoomsSql = """
        SELECT room_id FROM notifications WHERE user_id = @UserId AND suppressed = 0
        UNION
        SELECT m.room_id FROM room_memberships m
        WHERE m.user_id = @UserId AND m.membership = 'join'
              AND EXISTS (SELECT 1 FROM room_notifications r WHERE r.room_id = m.room_id AND r.stream_ordering >
                          COALESCE((SELECT MAX(a.joined_at) FROM notification_audience a WHERE a.user_id = @UserId AND a.room_id = m.room_id), 0))
        """;

    /// <summary>The user's own rows and the room notifications of the times they were joined, newest first.</summary>
    private const string SelectPageSql = """
        SELECT UserId, RoomId, EventId, StreamOrdering, ThreadId, Highlight, ActionsJson, Ts
        FROM (
            SELECT a.user_id AS UserId, r.room_id AS RoomId, r.event_id AS EventId, r.stream_ordering AS StreamOrdering, r.thread_id AS ThreadId,
                   r.highlight AS Highlight, r.actions AS ActionsJson, r.ts AS Ts
            FROM notification_audience a
            JOIN room_notifications r ON r.room_id = a.room_id AND r.stream_ordering > a.joined_at
                                         AND (a.left_at IS NULL OR r.stream_ordering < a.left_at)
            WHERE a.user_id = @UserId AND r.stream_ordering < @Before AND r.sender <> @UserId AND r.highlight >= @MinHighlight
                  AND NOT EXISTS (SELECT 1 FROM notifications x WHERE x.user_id = @UserId AND x.stream_ordering = r.stream_ordering)
            UNION ALL
            SELECT user_id, room_id, event_id, stream_ordering, thread_id, highlight, actions, ts
            FROM notifications
            WHERE user_id = @UserId AND stream_ordering < @Before AND highlight >= @MinHighlight AND suppressed = 0
        ) AS n
        ORDER BY StreamOrdering DESC
        LIMIT @Limit
        """;

    public Task AddAsync(IReadOnlyList<NotificationRecord> notifications, CancellationToken cancellationToken) =>
        RecordAsync(new NotificationWrites { UserNotifications = notifications }, cancellationToken);

    public Task MarkReadBySendingAsync(string userId, string roomId, string threadId, long streamOrdering, CancellationToken cancellationToken) =>
        RecordAsync(new NotificationWrites { ReadMarks = [new SentEventReadMark(userId, roomId, threadId, streamOrdering)] }, cancellationToken);

    public Task RecordAsync(NotificationWrites writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        foreach (var mark in writes.ReadMarks)
        {
            ArgumentException.ThrowIfNullOrEmpty(mark.UserId);
            ArgumentException.ThrowIfNullOrEmpty(mark.RoomId);
            ArgumentException.ThrowIfNullOrEmpty(mark.ThreadId);
        }
        if (writes.IsEmpty) return Task.CompletedTask;
        var postgres = database.Dialect.Backend == DatabaseBackend.Postgres;
        var chunkSize = postgres ? MaxRowsPerArrayStatement : MaxRowsPerStatement;
        // One row per key: an upsert may not touch a row twice in one statement (PostgreSQL refuses).
        var marks = writes.ReadMarks.GroupBy(m => (m.UserId, m.RoomId, m.ThreadId)).Select(g => g.MaxBy(m => m.StreamOrdering)!).ToList();
        var userRows = writes.UserNotifications.Select(n => new UserRow(n.UserId, n.EventId, n.RoomId, n.StreamOrdering, n.ThreadId, n.Highlight, n.ActionsJson, n.Ts, false))
            .Concat(writes.Suppressions.Select(s => new UserRow(s.UserId, s.EventId, s.RoomId, s.StreamOrdering, s.ThreadId, false, "[]", 0, true)))
            .ToList();
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var chunk in writes.RoomNotifications.Chunk(chunkSize))
                await connection.ExecuteAsync(new CommandDefinition(postgres ? InsertRoomPostgresSql : InsertRoomSqliteSql,
                    postgres ? RoomNotificationArrays(chunk) : new { Rows = EncodeRoomNotifications(chunk) }, transaction, cancellationToken: cancellationToken));
            foreach (var chunk in userRows.Chunk(chunkSize))
                await connection.ExecuteAsync(new CommandDefinition(postgres ? InsertPostgresSql : InsertSqliteSql,
                    postgres ? UserRowArrays(chunk) : new { Rows = EncodeUserRows(chunk) }, transaction, cancellationToken: cancellationToken));
            // Joins and leaves are rare next to messages: one statement each, in order.
            foreach (var change in writes.AudienceChanges)
                await connection.ExecuteAsync(new CommandDefinition(change.Joined ? InsertAudienceJoinSql : UpdateAudienceLeaveSql,
                    new { change.UserId, change.RoomId, Position = change.StreamOrdering }, transaction, cancellationToken: cancellationToken));
            foreach (var chunk in marks.Chunk(chunkSize))
                await connection.ExecuteAsync(new CommandDefinition(postgres ? UpsertReadMarksPostgresSql : UpsertReadMarksSqliteSql,
                    postgres ? ReadMarkArrays(chunk) : new { Rows = EncodeReadMarks(chunk) }, transaction, cancellationToken: cancellationToken));
        }, cancellationToken);
    }

    /// <summary>A row of the notifications table: a user's own notification, or a suppression of the room's.</summary>
    private sealed record UserRow(string UserId, string EventId, string RoomId, long StreamOrdering, string ThreadId, bool Highlight,
        string ActionsJson, long Ts, bool Suppressed);

    private static object UserRowArrays(UserRow[] rows) => new
    {
        Users = rows.Select(n => n.UserId).ToArray(),
        Events = rows.Select(n => n.EventId).ToArray(),
        Rooms = rows.Select(n => n.RoomId).ToArray(),
        Orderings = rows.Select(n => n.StreamOrdering).ToArray(),
        Threads = rows.Select(n => n.ThreadId).ToArray(),
        Highlights = rows.Select(n => n.Highlight ? 1 : 0).ToArray(),
        Actions = rows.Select(n => n.ActionsJson).ToArray(),
        Ts = rows.Select(n => n.Ts).ToArray(),
        Suppressed = rows.Select(n => n.Suppressed ? 1 : 0).ToArray(),
    };

    private static object RoomNotificationArrays(RoomNotificationRecord[] rows) => new
    {
        Rooms = rows.Select(n => n.RoomId).ToArray(),
        Orderings = rows.Select(n => n.StreamOrdering).ToArray(),
        Events = rows.Select(n => n.EventId).ToArray(),
        Threads = rows.Select(n => n.ThreadId).ToArray(),
        Senders = rows.Select(n => n.Sender).ToArray(),
        Highlights = rows.Select(n => n.Highlight ? 1 : 0).ToArray(),
        Actions = rows.Select(n => n.ActionsJson).ToArray(),
        Ts = rows.Select(n => n.Ts).ToArray(),
    };

    private static object ReadMarkArrays(SentEventReadMark[] rows) => new
    {
        Users = rows.Select(m => m.UserId).ToArray(),
        Rooms = rows.Select(m => m.RoomId).ToArray(),
        Threads = rows.Select(m => m.ThreadId).ToArray(),
        Orderings = rows.Select(m => m.StreamOrdering).ToArray(),
    };

    private static string EncodeUserRows(IEnumerable<UserRow> rows) => EncodeRows(rows, static (writer, n) =>
    {
        writer.WriteStringValue(n.UserId);
        writer.WriteStringValue(n.EventId);
        writer.WriteStringValue(n.RoomId);
        writer.WriteNumberValue(n.StreamOrdering);
        writer.WriteStringValue(n.ThreadId);
        writer.WriteNumberValue(n.Highlight ? 1 : 0);
        writer.WriteStringValue(n.ActionsJson);
        writer.WriteNumberValue(n.Ts);
        writer.WriteNumberValue(n.Suppressed ? 1 : 0);
    });

    private static string EncodeRoomNotifications(IEnumerable<RoomNotificationRecord> rows) => EncodeRows(rows, static (writer, n) =>
    {
        writer.WriteStringValue(n.RoomId);
        writer.WriteNumberValue(n.StreamOrdering);
        writer.WriteStringValue(n.EventId);
        writer.WriteStringValue(n.ThreadId);
        writer.WriteStringValue(n.Sender);
        writer.WriteNumberValue(n.Highlight ? 1 : 0);
        writer.WriteStringValue(n.ActionsJson);
        writer.WriteNumberValue(n.Ts);
    });

    private static string EncodeReadMarks(IEnumerable<SentEventReadMark> marks) => EncodeRows(marks, static (writer, m) =>
    {
        writer.WriteStringValue(m.UserId);
        writer.WriteStringValue(m.RoomId);
        writer.WriteStringValue(m.ThreadId);
        writer.WriteNumberValue(m.StreamOrdering);
    });

    /// <summary>Rows as a JSON array of arrays, the one parameter of a multi-row write.</summary>
    private static string EncodeRows<T>(IEnumerable<T> rows, Action<Utf8JsonWriter, T> writeRow)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var row in rows)
            {
                writer.WriteStartArray();
                writeRow(writer, row);
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public async Task<ReadPositions> GetReadPositionsAsync(string userId, string roomId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<PositionRow>(new CommandDefinition(SelectReadPositionsSql,
            new { UserId = userId, RoomId = roomId }, cancellationToken: cancellationToken));
        var unthreaded = 0L;
        var byThread = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row.ThreadId.Length == 0) unthreaded = Math.Max(unthreaded, row.Position);
            else byThread[row.ThreadId] = Math.Max(byThread.GetValueOrDefault(row.ThreadId), row.Position);
        }
        return new ReadPositions(unthreaded, byThread);
    }

    public async Task<IReadOnlyList<ThreadNotificationCounts>> GetUnreadCountsAsync(string userId, string roomId, CancellationToken cancellationToken)
    {
        var read = await GetReadPositionsAsync(userId, roomId, cancellationToken);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var counts = (await connection.QueryAsync<CountRow>(new CommandDefinition(CountAfterSql,
                new { UserId = userId, RoomId = roomId, After = read.Unthreaded, Thread = (string?)null }, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.ThreadId, StringComparer.Ordinal);
        // Threads read further than the unthreaded receipt are counted again from their own position.
        foreach (var (threadId, position) in read.ByThread)
        {
            if (position <= read.Unthreaded || !counts.ContainsKey(threadId)) continue;
            var recount = await connection.QueryFirstOrDefaultAsync<CountRow>(new CommandDefinition(CountAfterSql,
                new { UserId = userId, RoomId = roomId, After = position, Thread = threadId }, cancellationToken: cancellationToken));
            if (recount is null) counts.Remove(threadId);
            else counts[threadId] = recount;
        }
        return [.. counts.Values.Select(c => new ThreadNotificationCounts(c.ThreadId, c.NotificationCount, c.HighlightCount ?? 0))];
    }

    public async Task<IReadOnlyList<string>> GetRoomsWithNotificationsAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(SelectRoomsSql, new { UserId = userId }, cancellationToken: cancellationToken))];
    }

    public async Task<IReadOnlyList<NotificationRecord>> GetPageAsync(string userId, long? beforeStreamOrdering, int limit, bool onlyHighlight,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<NotificationRow>(new CommandDefinition(SelectPageSql, new
        {
            UserId = userId, Before = beforeStreamOrdering ?? long.MaxValue, MinHighlight = onlyHighlight ? 1 : 0, Limit = limit,
        }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new NotificationRecord(r.UserId, r.RoomId, r.EventId, r.StreamOrdering, r.ThreadId, r.Highlight != 0, r.ActionsJson, r.Ts))];
    }

    private sealed class PositionRow
    {
        public string ThreadId { get; init; } = "";
        public long Position { get; init; }
    }

    private sealed class CountRow
    {
        public string ThreadId { get; init; } = "";
        public long NotificationCount { get; init; }
        public long? HighlightCount { get; init; }
    }

    private sealed class NotificationRow
    {
        public string UserId { get; init; } = "";
        public string RoomId { get; init; } = "";
        public string EventId { get; init; } = "";
        public long StreamOrdering { get; init; }
        public string ThreadId { get; init; } = "";
        public long Highlight { get; init; }
        public string ActionsJson { get; init; } = "";
        public long Ts { get; init; }
    }
}
