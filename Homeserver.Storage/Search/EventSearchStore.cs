using Dapper;
using Homeserver.Storage.Database;
using Homeserver.Storage.Events;

namespace Homeserver.Storage.Search;

/// <summary>
/// The event_search tables. The full-text parts differ by backend and live in <see cref="SearchSql"/>:
/// SQLite matches with FTS5 and ranks with bm25, PostgreSQL matches a 'simple' tsvector under a GIN index
/// and ranks with ts_rank. Everything else is the same SQL on both.
/// </summary>
public sealed class EventSearchStore : IEventSearchStore
{
    /// <summary>Terms of one query at most; more words than this are ignored.</summary>
    public const int MaxTerms = 32;

    /// <summary>Entries written by one statement at most (a larger write is several statements in one transaction).</summary>
    public const int MaxEntriesPerStatement = 1_000;

    private const string SelectPositionSql = "SELECT stream_ordering FROM event_search_position WHERE singleton = 1";

    private const string AdvancePositionSql = """
        UPDATE event_search_position SET stream_ordering = @Position WHERE singleton = 1 AND stream_ordering < @Position
        """;

    private readonly IDatabase _database;
    private readonly JsonRows _rows;
    private readonly SearchSql _sql;

    public EventSearchStore(IDatabase database)
    {
        _database = database;
        _rows = JsonRows.For(database.Dialect);
        _sql = database.Dialect.Backend == DatabaseBackend.Postgres ? SearchSql.Postgres : SearchSql.Sqlite;
    }

    public async Task<long> GetIndexedPositionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(SelectPositionSql, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<IndexableEvent>> GetEventsToIndexAsync(long afterExclusive, long upToInclusive, IReadOnlyCollection<string> types,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(types);
        var sql = $"""
            SELECT e.event_nid AS EventNid, n.event_id AS EventId, e.room_id AS RoomId, e.type AS Type, e.state_key AS StateKey,
                   e.sender AS Sender, e.stream_ordering AS StreamOrdering, e.redacts AS Redacts, e.json AS Json,
                   e.state_before_group AS StateBeforeGroup
            FROM events e JOIN event_nids n ON n.event_nid = e.event_nid
            WHERE e.stream_ordering > @After AND e.stream_ordering <= @UpTo
              AND e.rejection_reason IS NULL AND NOT e.is_soft_failed
              AND ({_rows.In("e.type", "Types")} OR e.redacts IS NOT NULL)
            ORDER BY e.stream_ordering
            """;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<IndexableEvent>(new CommandDefinition(sql,
            new { After = afterExclusive, UpTo = upToInclusive, Types = JsonRows.Encode(types) }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    public Task IndexAsync(IReadOnlyList<SearchEntry> entries, IReadOnlyCollection<string> redactedEventIds, long position,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(redactedEventIds);
        var deleteSql = $"DELETE FROM event_search WHERE event_nid IN (SELECT event_nid FROM event_nids WHERE {_rows.In("event_id", "Ids")})";
        return _database.InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var chunk in entries.Chunk(MaxEntriesPerStatement))
                await connection.ExecuteAsync(new CommandDefinition(_sql.Insert, _sql.InsertParameters(chunk), transaction, cancellationToken: cancellationToken));
            if (redactedEventIds.Count > 0)
                await connection.ExecuteAsync(new CommandDefinition(deleteSql, new { Ids = JsonRows.Encode(redactedEventIds) }, transaction,
                    cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(AdvancePositionSql, new { Position = position }, transaction,
                cancellationToken: cancellationToken));
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!IsAnswerable(query) || query.Limit <= 0) return [];
        var sql = $"""
            {_sql.SelectHits}
            WHERE {_sql.Match} AND {_rows.In("s.room_id", "Rooms")} AND {_rows.In("s.key", "Keys")} AND s.stream_ordering <= @UpTo
            ORDER BY {(query.OrderByRank ? "Rank DESC, s.stream_ordering DESC" : "s.stream_ordering DESC")}
            LIMIT @Limit OFFSET @Offset
            """;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var hits = await connection.QueryAsync<HitRow>(new CommandDefinition(sql, Parameters(query), cancellationToken: cancellationToken));
        return [.. hits.Select(h => new SearchHit(h.EventId, h.RoomId, h.StreamOrdering, h.Rank))];
    }

    public async Task<long> CountAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!IsAnswerable(query)) return 0;
        var sql = $"""
            {_sql.SelectCount}
            WHERE {_sql.Match} AND {_rows.In("s.room_id", "Rooms")} AND {_rows.In("s.key", "Keys")} AND s.stream_ordering <= @UpTo
            """;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, Parameters(query), cancellationToken: cancellationToken));
    }

    private static bool IsAnswerable(SearchQuery query) => query.Terms.Count > 0 && query.RoomIds.Count > 0 && query.Keys.Count > 0;

    private object Parameters(SearchQuery query)
    {
        var terms = query.Terms.Take(MaxTerms).ToList();
        foreach (var term in terms)
            if (term.Length == 0 || !term.All(char.IsLetterOrDigit))
                throw new ArgumentException($"Search terms are words of letters and digits: '{term}' is not.", nameof(query));
        return new
        {
            Query = _sql.FormatQuery(terms),
            Rooms = JsonRows.Encode(query.RoomIds),
            Keys = JsonRows.Encode(query.Keys),
            query.UpTo,
            query.Limit,
            query.Offset,
        };
    }

    /// <summary>
    /// Settable properties, not a constructor: SQLite reports the type of an untyped expression column
    /// (the rank) only from a row, so a constructor signature cannot be matched on an empty result.
    /// </summary>
    private sealed class HitRow
    {
        public string EventId { get; init; } = "";
        public string RoomId { get; init; } = "";
        public long StreamOrdering { get; init; }
        public double Rank { get; init; }
    }
}
