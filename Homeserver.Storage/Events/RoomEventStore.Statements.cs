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
        public string? LockRoom { get; } = dialect.Backend == DatabaseBackend.Postgres
            ? "SELECT pg_advisory_xact_lock(hashtextextended(@RoomId, 0))"
            : null;

        public string SelectEventsByIds { get; } = $"""
            SELECT {EventColumns}
            FROM event_nids n JOIN events e ON e.event_nid = n.event_nid
            WHERE n.event_id IN ({rows.Texts("Ids")})
            """;

        public string SelectStoredEventIds { get; } = $"""
            SELECT n.event_id FROM event_nids n JOIN events e ON e.event_nid = n.event_nid
            WHERE n.event_id IN ({rows.Texts("Ids")})
            """;

        public string SelectStoredEvents { get; } = $"""
            SELECT n.event_id AS EventId, e.stream_ordering AS StreamOrdering, e.state_after_group AS StateAfterGroup, e.membership AS Membership
            FROM event_nids n JOIN events e ON e.event_nid = n.event_nid
            WHERE n.event_id IN ({rows.Texts("Ids")})
            """;

        /// <summary>Every stored event reachable through auth edges; UNION (not UNION ALL) visits each event once.</summary>
        public string SelectAuthChain { get; } = $"""
            WITH RECURSIVE chain (event_nid) AS (
                SELECT a.auth_event_nid
                FROM event_nids n JOIN event_auth_edges a ON a.event_nid = n.event_nid
                WHERE n.event_id IN ({rows.Texts("Ids")})
                UNION
                SELECT a.auth_event_nid
                FROM chain c JOIN event_auth_edges a ON a.event_nid = c.event_nid
            )
            SELECT n.event_id
            FROM chain c
            JOIN events e ON e.event_nid = c.event_nid
            JOIN event_nids n ON n.event_nid = c.event_nid
            """;

        public string SelectEventNids { get; } = $"""
            SELECT event_id AS A, event_nid AS B FROM event_nids WHERE event_id IN ({rows.Texts("Ids")})
            """;

        /// <summary>WHERE true: SQLite needs it to parse ON CONFLICT after INSERT ... SELECT.</summary>
        public string InsertEventNids { get; } = $"""
            INSERT INTO event_nids (event_id) SELECT v FROM ({rows.Texts("Ids")}) AS x WHERE true ORDER BY v
            ON CONFLICT (event_id) DO NOTHING
            """;

        public string SelectStateKeyNids { get; } = $"""
            SELECT k.type AS Type, k.state_key AS StateKey, k.state_key_nid AS Nid
            FROM state_keys k JOIN ({rows.TextPairs("Keys")}) AS x ON k.type = x.a AND k.state_key = x.b
            """;

        public string InsertStateKeyNids { get; } = $"""
            INSERT INTO state_keys (type, state_key) SELECT a, b FROM ({rows.TextPairs("Keys")}) AS x WHERE true ORDER BY a, b
            ON CONFLICT (type, state_key) DO NOTHING
            """;

        public string InsertPrevEdges { get; } = $"""
            INSERT INTO event_prev_edges (event_nid, prev_event_nid) SELECT a, b FROM ({rows.NumberPairs("Edges")}) AS x WHERE true
            ON CONFLICT (event_nid, prev_event_nid) DO NOTHING
            """;

        public string InsertAuthEdges { get; } = $"""
            INSERT INTO event_auth_edges (event_nid, auth_event_nid) SELECT a, b FROM ({rows.NumberPairs("Edges")}) AS x WHERE true
            ON CONFLICT (event_nid, auth_event_nid) DO NOTHING
            """;

        public string InsertForwardExtremities { get; } = $"""
            INSERT INTO room_forward_extremities (room_id, event_nid) SELECT @RoomId, a FROM ({rows.NumberPairs("Nids")}) AS x WHERE true
            ON CONFLICT (room_id, event_nid) DO NOTHING
            """;

        public string InsertStateGroupEntries { get; } = $"""
            INSERT INTO state_group_entries (state_group, state_key_nid, event_nid) SELECT @Group, a, b FROM ({rows.NumberPairs("Entries")}) AS x
            """;

        public string UpsertCurrentState { get; } = $"""
            INSERT INTO current_state (room_id, state_key_nid, event_nid) SELECT @RoomId, a, b FROM ({rows.NumberPairs("Entries")}) AS x WHERE true
            ON CONFLICT (room_id, state_key_nid) DO UPDATE SET event_nid = excluded.event_nid
            """;

        public string DeleteCurrentState { get; } = $"""
            DELETE FROM current_state WHERE room_id = @RoomId AND state_key_nid IN (SELECT a FROM ({rows.NumberPairs("Entries")}) AS x)
            """;
    }
}
