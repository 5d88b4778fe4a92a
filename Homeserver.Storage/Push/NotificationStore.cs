using System.Text;
using System.Text.Json;
using Dapper;
using Homeserver.Storage.Database;
using Homeserver.Storage.Events;

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
    /// Unread counts of a user in a list of rooms (the JSON array @Rooms), per room and thread, in one statement. An event
    /// is read at or below the user's furthest unthreaded receipt, and at or below the furthest threaded receipt or own
    /// event of its thread. The room's notifications count while the user is joined (room_memberships says so at once;
    /// the audience's latest join, written by the evaluation, says from where), unless the event is their own or they
    /// have their own row for it; their own rows count unless suppressed.
    /// </summary>
    private static string CountsSql(JsonRows rows) => $$"""
        WITH reads AS (
            SELECT r.room_id AS room_id, r.thread_id AS thread_id, MAX(e.stream_ordering) AS position
            FROM receipts r
            JOIN event_nids n ON n.event_id = r.event_id
            JOIN events e ON e.event_nid = n.event_nid
            WHERE r.user_id = @UserId AND {{rows.In("r.room_id", "Rooms")}} AND r.receipt_type IN ('m.read', 'm.read.private')
                  AND e.stream_ordering IS NOT NULL
            GROUP BY r.room_id, r.thread_id
            UNION ALL
            SELECT room_id, thread_id, stream_ordering FROM notification_read_marks
            WHERE user_id = @UserId AND {{rows.In("room_id", "Rooms")}}
        ),
        base AS (
            SELECT q.v AS room_id, COALESCE(u.position, 0) AS unthreaded, COALESCE(a.joined_at, 0) AS joined_at,
                   CASE WHEN m.membership = 'join' THEN 1 ELSE 0 END AS joined
            FROM ({{rows.Texts("Rooms")}}) AS q
            LEFT JOIN (SELECT room_id, MAX(position) AS position FROM reads WHERE thread_id = '' GROUP BY room_id) AS u ON u.room_id = q.v
            LEFT JOIN (SELECT room_id, MAX(joined_at) AS joined_at FROM notification_audience WHERE user_id = @UserId GROUP BY room_id) AS a
                ON a.room_id = q.v
            LEFT JOIN room_memberships m ON m.user_id = @UserId AND m.room_id = q.v
        ),
        candidates AS (
            SELECT r.room_id AS room_id, r.thread_id AS thread_id, r.stream_ordering AS stream_ordering, r.highlight AS highlight
            FROM base b
            JOIN room_notifications r ON r.room_id = b.room_id AND r.stream_ordering > b.unthreaded AND r.stream_ordering > b.joined_at
            WHERE b.joined = 1 AND r.sender <> @UserId
                  AND NOT EXISTS (SELECT 1 FROM notifications x WHERE x.user_id = @UserId AND x.stream_ordering = r.stream_ordering)
            UNION ALL
            SELECT n.room_id, n.thread_id, n.stream_ordering, n.highlight
            FROM base b
            JOIN notifications n ON n.user_id = @UserId AND n.room_id = b.room_id AND n.stream_ordering > b.unthreaded
            WHERE n.suppressed = 0
        )
        SELECT c.room_id AS RoomId, c.thread_id AS ThreadId, COUNT(*) AS NotificationCount, SUM(c.highlight) AS HighlightCount
        FROM candidates c
        LEFT JOIN (SELECT room_id, thread_id, MAX(position) AS position FROM reads WHERE thread_id <> '' GROUP BY room_id, thread_id) AS t
            ON t.room_id = c.room_id AND t.thread_id = c.thread_id
        WHERE c.stream_ordering > COALESCE(t.position, 0)
        GROUP BY c.room_id, c.thread_id
        """;

    private static readonly string CountsSqliteSql = CountsSql(JsonRows.Sqlite);

    private static readonly string CountsPostgresSql = CountsSql(JsonRows.Postgres);

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
        if (postgres && writes.AudienceChanges.Count == 0 && writes.RoomNotifications.Count <= chunkSize && userRows.Count <= chunkSize
            && marks.Count <= chunkSize)
            return WriteInOneRoundTripAsync(writes.RoomNotifications, userRows, marks, cancellationToken);
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

    /// <summary>
    /// PostgreSQL, the usual write of a push evaluation step (no join or leave, each kind in one statement): the statements
    /// go as one batch, which PostgreSQL runs as one implicit transaction (a failing statement rolls back the others), so
    /// the write costs one round trip instead of four.
    /// </summary>
    private async Task WriteInOneRoundTripAsync(IReadOnlyList<RoomNotificationRecord> roomRows, List<UserRow> userRows,
        List<SentEventReadMark> marks, CancellationToken cancellationToken)
    {
        var statements = new List<string>(3);
        var parameters = new DynamicParameters();
        if (roomRows.Count > 0) Add("r", BatchedInsertRoomSql, RoomNotificationArrays([.. roomRows]));
        if (userRows.Count > 0) Add("u", BatchedInsertSql, UserRowArrays([.. userRows]));
        if (marks.Count > 0) Add("m", BatchedUpsertReadMarksSql, ReadMarkArrays([.. marks]));
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(string.Join(";\n", statements), parameters, cancellationToken: cancellationToken));

        void Add(string prefix, string sql, object arrays)
        {
            statements.Add(sql);
            foreach (var property in arrays.GetType().GetProperties())
                parameters.Add(prefix + property.Name, property.GetValue(arrays));
        }
    }

    // The statements of one batch name their arrays alike: in a batch, each statement's parameters get a prefix.
    private static readonly string BatchedInsertRoomSql = Prefixed(InsertRoomPostgresSql, "r");
    private static readonly string BatchedInsertSql = Prefixed(InsertPostgresSql, "u");
    private static readonly string BatchedUpsertReadMarksSql = Prefixed(UpsertReadMarksPostgresSql, "m");

    private static string Prefixed(string sql, string prefix) => System.Text.RegularExpressions.Regex.Replace(sql, @"@(\w+)", "@" + prefix + "$1");

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
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        return (await GetUnreadCountsAsync(userId, [roomId], cancellationToken)).GetValueOrDefault(roomId) ?? [];
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<ThreadNotificationCounts>>> GetUnreadCountsAsync(string userId,
        IReadOnlyCollection<string> roomIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(roomIds);
        if (roomIds.Count == 0) return new Dictionary<string, IReadOnlyList<ThreadNotificationCounts>>(StringComparer.Ordinal);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RoomCountRow>(new CommandDefinition(
            database.Dialect.Backend == DatabaseBackend.Postgres ? CountsPostgresSql : CountsSqliteSql,
            new { UserId = userId, Rooms = JsonRows.Encode(roomIds.Distinct(StringComparer.Ordinal)) }, cancellationToken: cancellationToken));
        return rows.GroupBy(r => r.RoomId, StringComparer.Ordinal).ToDictionary(g => g.Key,
            g => (IReadOnlyList<ThreadNotificationCounts>)[.. g.Select(r => new ThreadNotificationCounts(r.ThreadId, r.NotificationCount, r.HighlightCount ?? 0))],
            StringComparer.Ordinal);
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

    private sealed class RoomCountRow
    {
        public string RoomId { get; init; } = "";
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
