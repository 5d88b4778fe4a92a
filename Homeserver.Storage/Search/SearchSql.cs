namespace Homeserver.Storage.Search;

/// <summary>The statements of <see cref="EventSearchStore"/> that differ between SQLite (FTS5) and PostgreSQL (tsvector).</summary>
internal sealed record SearchSql(string Insert, string SelectHits, string SelectCount, string Match, Func<IReadOnlyList<string>, string> FormatQuery)
{
    /// <summary>
    /// FTS5: each term quoted as a string (letters and digits only, so no quote can occur) and marked as a
    /// prefix; terms side by side must all match. bm25 is lower for better matches, so its negation ranks.
    /// </summary>
    public static readonly SearchSql Sqlite = new(
        Insert: """
            INSERT INTO event_search (event_nid, room_id, sender, key, stream_ordering, value)
            VALUES (@EventNid, @RoomId, @Sender, @Key, @StreamOrdering, @Value)
            ON CONFLICT (event_nid) DO NOTHING
            """,
        SelectHits: """
            SELECT n.event_id AS EventId, s.room_id AS RoomId, s.stream_ordering AS StreamOrdering, -bm25(event_search_fts) AS Rank
            FROM event_search_fts f
            JOIN event_search s ON s.event_nid = f.rowid
            JOIN event_nids n ON n.event_nid = s.event_nid
            """,
        SelectCount: """
            SELECT COUNT(*)
            FROM event_search_fts f
            JOIN event_search s ON s.event_nid = f.rowid
            """,
        Match: "event_search_fts MATCH @Query",
        FormatQuery: terms => string.Join(' ', terms.Select(t => $"\"{t}\"*")));

    /// <summary>The 'simple' configuration only lower-cases; <c>:*</c> marks a prefix and <c>&amp;</c> requires every term.</summary>
    public static readonly SearchSql Postgres = new(
        Insert: """
            INSERT INTO event_search (event_nid, room_id, sender, key, stream_ordering, vector)
            VALUES (@EventNid, @RoomId, @Sender, @Key, @StreamOrdering, to_tsvector('simple', @Value))
            ON CONFLICT (event_nid) DO NOTHING
            """,
        SelectHits: """
            SELECT n.event_id AS EventId, s.room_id AS RoomId, s.stream_ordering AS StreamOrdering,
                   CAST(ts_rank(s.vector, to_tsquery('simple', @Query)) AS DOUBLE PRECISION) AS Rank
            FROM event_search s
            JOIN event_nids n ON n.event_nid = s.event_nid
            """,
        SelectCount: "SELECT COUNT(*) FROM event_search s",
        Match: "s.vector @@ to_tsquery('simple', @Query)",
        FormatQuery: terms => string.Join(" & ", terms.Select(t => t + ":*")));
}
