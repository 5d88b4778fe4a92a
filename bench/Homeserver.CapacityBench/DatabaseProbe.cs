using Dapper;
using Homeserver.Storage;
using Homeserver.Storage.Database;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.CapacityBench;

/// <summary>Reads sizes and counters of the server's database from the harness (the server may be running).</summary>
public sealed class DatabaseProbe(IDatabase database, string backend) : IAsyncDisposable
{
    public static async Task<DatabaseProbe> OpenAsync(StorageOptions storage, CancellationToken cancellationToken) =>
        new(await HomeserverStorage.OpenAsync(storage, NullLoggerFactory.Instance, cancellationToken),
            storage.Backend == DatabaseBackend.Postgres ? "postgres" : "sqlite");

    /// <summary>
    /// Bytes on disk: PostgreSQL's <c>pg_database_size</c> (all tables and indexes of the database);
    /// SQLite's pages times page size, which counts the pages still in the write-ahead log as the file will hold them.
    /// </summary>
    public Task<long> SizeBytesAsync(CancellationToken cancellationToken) => ScalarAsync(backend == "postgres"
        ? "SELECT pg_database_size(current_database())"
        : "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()", cancellationToken);

    public Task<long> CountAsync(string table, CancellationToken cancellationToken) => ScalarAsync($"SELECT COUNT(*) FROM {table}", cancellationToken);

    /// <summary>Events stream positions the server's background search indexer has still to index.</summary>
    public Task<long> SearchIndexBacklogAsync(CancellationToken cancellationToken) => ScalarAsync("""
        SELECT (SELECT position FROM stream_positions WHERE stream = 'events') - (SELECT stream_ordering FROM event_search_position)
        """, cancellationToken);

    /// <summary>
    /// PostgreSQL: transactions committed or rolled back in this database so far (<c>pg_stat_database</c>;
    /// each statement outside an explicit transaction counts as one). Null on SQLite, which keeps no such count.
    /// </summary>
    public async Task<long?> TransactionCountAsync(CancellationToken cancellationToken) => backend == "postgres"
        ? await ScalarAsync("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()", cancellationToken)
        : null;

    /// <summary>How long PostgreSQL backends may keep their statistics before reporting them (its PGSTAT_IDLE_INTERVAL, 10 s, plus a margin).</summary>
    public static readonly TimeSpan StatisticsDelay = TimeSpan.FromSeconds(11);

    private async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, cancellationToken: cancellationToken));
    }

    public ValueTask DisposeAsync() => database.DisposeAsync();
}
