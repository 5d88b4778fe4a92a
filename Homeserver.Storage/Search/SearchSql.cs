using System.Text.Json;

namespace Homeserver.Storage.Search;

/// <summary>The statements of <see cref="EventSearchStore"/> that differ between SQLite (FTS5) and PostgreSQL (tsvector).</summary>
/// <param name="Insert">Many entries in one statement: a JSON array of rows on SQLite, one array per column on PostgreSQL.</param>
/// <param name="InsertParameters">The parameters of <paramref name="Insert"/> for some entries.</param>
internal sealed record SearchSql(string Insert, Func<IReadOnlyList<SearchEntry>, object> InsertParameters, string SelectHits, string SelectCount,
    string Match, Func<IReadOnlyList<string>, string> FormatQuery)
{
    /// <summary>
    /// FTS5: each term quoted as a string (letters and digits only, so no quote can occur) and marked as a
    /// prefix; terms side by side must all match. bm25 is lower for better matches, so its negation ranks.
    /// </summary>
    public static readonly SearchSql Sqlite = new(
        Insert: """
            INSERT INTO event_search (event_nid, room_id, sender, key, stream_ordering, value)
            SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'),
                   json_extract(value, '$[4]'), json_extract(value, '$[5]')
            FROM json_each(@Rows) WHERE true
            ON CONFLICT (event_nid) DO NOTHING
            """,
        InsertParameters: entries => new
        {
            Rows = JsonSerializer.Serialize(entries.Select(e => new object[] { e.EventNid, e.RoomId, e.Sender, e.Key, e.StreamOrdering, e.Value })),
        },
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
            SELECT e, r, s, k, o, to_tsvector('simple', v)
            FROM unnest(@EventNids, @RoomIds, @Senders, @Keys, @Orderings, @Values) AS x(e, r, s, k, o, v)
            ON CONFLICT (event_nid) DO NOTHING
            """,
        InsertParameters: entries => new
        {
            EventNids = entries.Select(e => e.EventNid).ToArray(),
            RoomIds = entries.Select(e => e.RoomId).ToArray(),
            Senders = entries.Select(e => e.Sender).ToArray(),
            Keys = entries.Select(e => e.Key).ToArray(),
            Orderings = entries.Select(e => e.StreamOrdering).ToArray(),
            Values = entries.Select(e => e.Value).ToArray(),
        },
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
