using Homeserver.Storage.Database;

namespace Homeserver.Storage.Events;

public sealed partial class RoomEventStore
{
    /// <summary>The statements that take a JSON list parameter, built once for the backend.</summary>
    private sealed class Statements(JsonRows rows, SqlDialect dialect)
    {
        /// <summary>
        /// PostgreSQL: a transaction-scoped advisory lock on a 64-bit hash of the room id, shared by
        /// every process on the database. SQLite needs none: the write transaction is the single writer.
        /// </summary>
        public string? LockRoom { get; } = dialect.Backend == DatabaseBackend.Postgres ? LockRoomSql : null;

        private const string LockRoomSql = "SELECT pg_advisory_xact_lock(hashtextextended(@RoomId, 0))";

        public string SelectEventsByIds { get; } = $"""
            SELECT {EventColumns}
            FROM event_nids n JOIN events e ON e.event_nid = n.event_nid
            WHERE {rows.In("n.event_id", "Ids")}
            """;

        /// <summary>
        /// The events of client transactions, by (user, device, transaction id) triples: one primary-key probe per triple. On
        /// PostgreSQL the LIMIT keeps the lateral lookup a probe per triple (a join of the JSON rows could become a hash join
        /// over the whole table, and conditions on the columns a cross product of all users' transaction ids); SQLite's
        /// planner probes the key for a join with json_each by itself.
        /// </summary>
        public string SelectTransactionEvents { get; } = dialect.Backend == DatabaseBackend.Postgres
            ? $"""
                SELECT t.user_id AS UserId, t.device_id AS DeviceId, t.txn_id AS TxnId, n.event_id AS EventId
                FROM ({rows.TextTriples("Keys")}) AS x
                CROSS JOIN LATERAL (
                    SELECT c.user_id, c.device_id, c.txn_id, c.event_nid FROM client_transactions c
                    WHERE c.user_id = x.a AND c.device_id = x.b AND c.txn_id = x.c LIMIT 1) AS t
                JOIN event_nids n ON n.event_nid = t.event_nid
                """
            : $"""
                SELECT t.user_id AS UserId, t.device_id AS DeviceId, t.txn_id AS TxnId, n.event_id AS EventId
                FROM client_transactions t
                JOIN ({rows.TextTriples("Keys")}) AS x ON t.user_id = x.a AND t.device_id = x.b AND t.txn_id = x.c
                JOIN event_nids n ON n.event_nid = t.event_nid
                """;

        public string SelectStoredEventIds { get; } = $"""
            SELECT n.event_id FROM event_nids n JOIN events e ON e.event_nid = n.event_nid
            WHERE {rows.In("n.event_id", "Ids")}
            """;

        public string SelectStoredEvents { get; } = $"""
            SELECT n.event_id AS EventId, e.stream_ordering AS StreamOrdering, e.state_after_group AS StateAfterGroup, e.membership AS Membership, e.is_outlier AS IsOutlier
            FROM event_nids n JOIN events e ON e.event_nid = n.event_nid
            WHERE {rows.In("n.event_id", "Ids")}
            """;

        /// <summary>Every stored event reachable through auth edges; UNION (not UNION ALL) visits each event once.</summary>
        public string SelectAuthChain { get; } = $"""
            WITH RECURSIVE chain (event_nid) AS (
                SELECT a.auth_event_nid
                FROM event_nids n JOIN event_auth_edges a ON a.event_nid = n.event_nid
                WHERE {rows.In("n.event_id", "Ids")}
                UNION
                SELECT a.auth_event_nid
                FROM chain c JOIN event_auth_edges a ON a.event_nid = c.event_nid
            )
            SELECT n.event_id
            FROM chain c
            JOIN events e ON e.event_nid = c.event_nid
            JOIN event_nids n ON n.event_nid = c.event_nid
            """;

        /// <summary>
        /// Interns and reads back in one command. WHERE true: SQLite needs it to parse ON CONFLICT
        /// after INSERT ... SELECT. Ids present already burn no row, only (PostgreSQL) a sequence value.
        /// </summary>
        public string InternEventNids { get; } = $"""
            INSERT INTO event_nids (event_id) SELECT v FROM ({rows.Texts("Ids")}) AS x WHERE true ORDER BY v
            ON CONFLICT (event_id) DO NOTHING;
            SELECT event_id AS A, event_nid AS B FROM event_nids WHERE {rows.In("event_id", "Ids")};
            """;

        public string SelectStateKeyNids { get; } = $"""
            SELECT k.type AS Type, k.state_key AS StateKey, k.state_key_nid AS Nid
            FROM state_keys k JOIN ({rows.TextPairs("Keys")}) AS x ON k.type = x.a AND k.state_key = x.b
            WHERE {rows.PairsIndexFilter("k.type", "k.state_key", "Keys")}
            """;

        public string InsertStateKeyNids { get; } = $"""
            INSERT INTO state_keys (type, state_key) SELECT a, b FROM ({rows.TextPairs("Keys")}) AS x WHERE true ORDER BY a, b
            ON CONFLICT (type, state_key) DO NOTHING
            """;

        public string InsertEdges { get; } = $"""
            INSERT INTO event_prev_edges (event_nid, prev_event_nid) SELECT a, b FROM ({rows.NumberPairs("PrevEdges")}) AS x WHERE true
            ON CONFLICT (event_nid, prev_event_nid) DO NOTHING;
            INSERT INTO event_auth_edges (event_nid, auth_event_nid) SELECT a, b FROM ({rows.NumberPairs("AuthEdges")}) AS x WHERE true
            ON CONFLICT (event_nid, auth_event_nid) DO NOTHING;
            """;

        public string InsertEdgesAndReplaceExtremities { get; } = $"""
            INSERT INTO event_prev_edges (event_nid, prev_event_nid) SELECT a, b FROM ({rows.NumberPairs("PrevEdges")}) AS x WHERE true
            ON CONFLICT (event_nid, prev_event_nid) DO NOTHING;
            INSERT INTO event_auth_edges (event_nid, auth_event_nid) SELECT a, b FROM ({rows.NumberPairs("AuthEdges")}) AS x WHERE true
            ON CONFLICT (event_nid, auth_event_nid) DO NOTHING;
            DELETE FROM room_forward_extremities WHERE room_id = @RoomId;
            INSERT INTO room_forward_extremities (room_id, event_nid) SELECT @RoomId, a FROM ({rows.NumberPairs("Nids")}) AS x WHERE true
            ON CONFLICT (room_id, event_nid) DO NOTHING;
            """;

        /// <summary>
        /// What opens a batch, in one round trip: the room lock, then read under it whether the room exists,
        /// its forward extremities, which of the given events are stored, and the current state's version;
        /// last the interning of every id the batch refers to, read back (a conflict rolls it back with the rest).
        /// </summary>
        public string OpenBatch { get; } = (dialect.Backend == DatabaseBackend.Postgres ? LockRoomSql + ";\n" : "") + $"""
            SELECT COUNT(*) FROM rooms WHERE room_id = @RoomId;
            {SelectForwardExtremitiesSql};
            SELECT n.event_id AS EventId, e.stream_ordering AS StreamOrdering, e.state_after_group AS StateAfterGroup, e.membership AS Membership, e.is_outlier AS IsOutlier
            FROM event_nids n JOIN events e ON e.event_nid = n.event_nid
            WHERE {rows.In("n.event_id", "Ids")};
            SELECT COALESCE(MAX(version), 0) FROM current_state_versions WHERE room_id = @RoomId;
            INSERT INTO event_nids (event_id) SELECT v FROM ({rows.Texts("Intern")}) AS x WHERE true ORDER BY v
            ON CONFLICT (event_id) DO NOTHING;
            SELECT event_id AS A, event_nid AS B FROM event_nids WHERE {rows.In("event_id", "Intern")};
            INSERT INTO state_keys (type, state_key) SELECT a, b FROM ({rows.TextPairs("Keys")}) AS x WHERE true ORDER BY a, b
            ON CONFLICT (type, state_key) DO NOTHING;
            SELECT k.type AS Type, k.state_key AS StateKey, k.state_key_nid AS Nid
            FROM state_keys k JOIN ({rows.TextPairs("Keys")}) AS x ON k.type = x.a AND k.state_key = x.b
            WHERE {rows.PairsIndexFilter("k.type", "k.state_key", "Keys")};
            """;

        /// <summary>
        /// PostgreSQL: everything a batch writes after its state snapshots, in one round trip: edges, forward
        /// extremities, client transactions, the stream positions (the counter row stays locked until commit)
        /// and the event rows, all rows of a kind in one statement over array parameters. An event's stream
        /// ordering is the counter's new value less the timeline count plus its rank (1..count; 0 for outliers).
        /// </summary>
        public string WriteBatchPostgres { get; } = $"""
            INSERT INTO event_prev_edges (event_nid, prev_event_nid) SELECT * FROM unnest(@PrevFrom, @PrevTo)
            ON CONFLICT (event_nid, prev_event_nid) DO NOTHING;
            INSERT INTO event_auth_edges (event_nid, auth_event_nid) SELECT * FROM unnest(@AuthFrom, @AuthTo)
            ON CONFLICT (event_nid, auth_event_nid) DO NOTHING;
            DELETE FROM room_forward_extremities WHERE room_id = @RoomId;
            INSERT INTO room_forward_extremities (room_id, event_nid) SELECT @RoomId, x FROM unnest(@Extremities) AS x
            ON CONFLICT (room_id, event_nid) DO NOTHING;
            INSERT INTO client_transactions (user_id, device_id, txn_id, event_nid) SELECT * FROM unnest(@TxnUsers, @TxnDevices, @TxnIds, @TxnNids);
            UPDATE stream_positions SET position = position + @Timeline WHERE stream = 'events' RETURNING position;
            {InsertEventRowsPostgres("(SELECT position FROM stream_positions WHERE stream = 'events') - @Timeline + x.rank")}
            """;

        /// <summary>PostgreSQL: the event rows of the array parameters in one statement, with explicit stream orderings (0: none).</summary>
        public string InsertEventsPostgres { get; } = InsertEventRowsPostgres("x.rank");

        private static string InsertEventRowsPostgres(string orderingOfRank) => $"""
            INSERT INTO events (event_nid, room_id, type, state_key, sender, depth, origin_server_ts, stream_ordering,
                                is_outlier, rejection_reason, is_soft_failed, redacts, membership,
                                state_before_group, state_after_group, json, relates_to_id, relation_type)
            SELECT x.nid, x.room_id, x.type, x.state_key, x.sender, x.depth, x.ts, CASE WHEN x.rank = 0 THEN NULL ELSE {orderingOfRank} END,
                   x.outlier, x.rejection, x.soft_failed, x.redacts, x.membership,
                   NULLIF(x.before_group, 0), NULLIF(x.after_group, 0), x.json, x.relates_to, x.relation_type
            FROM unnest(@Nids, @RoomIds, @Types, @StateKeys, @Senders, @Depths, @Timestamps, @Ranks, @Outliers, @Rejections, @SoftFailed,
                        @Redacts, @Memberships, @Befores, @Afters, @Jsons, @RelatesTo, @RelationTypes)
                 AS x(nid, room_id, type, state_key, sender, depth, ts, rank, outlier, rejection, soft_failed,
                      redacts, membership, before_group, after_group, json, relates_to, relation_type)
            ON CONFLICT (event_nid) DO UPDATE SET
                stream_ordering = excluded.stream_ordering, is_outlier = excluded.is_outlier,
                rejection_reason = excluded.rejection_reason, is_soft_failed = excluded.is_soft_failed,
                state_before_group = excluded.state_before_group, state_after_group = excluded.state_after_group
            WHERE events.is_outlier AND NOT excluded.is_outlier;
            """;

        public string InsertStateGroupEntries { get; } = $"""
            INSERT INTO state_group_entries (state_group, state_key_nid, event_nid) SELECT @Group, a, b FROM ({rows.NumberPairs("Entries")}) AS x
            """;

        public string UpsertCurrentState { get; } = $"""
            INSERT INTO current_state (room_id, state_key_nid, event_nid) SELECT @RoomId, a, b FROM ({rows.NumberPairs("Entries")}) AS x WHERE true
            ON CONFLICT (room_id, state_key_nid) DO UPDATE SET event_nid = excluded.event_nid
            """;

        public string DeleteCurrentState { get; } = $"""
            DELETE FROM current_state WHERE room_id = @RoomId AND {rows.InFirstNumbers("state_key_nid", "Entries")}
            """;
    }
}
