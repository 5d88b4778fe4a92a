using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Homeserver.Storage.Database;

/// <summary>
/// Analyzes tables that changed as many rows as they held at their last analysis (at least
/// <see cref="MinChanges"/>), every <see cref="Interval"/>, between autovacuum's visits.
/// </summary>
/// <remarks>
/// Statements are prepared per connection (<see cref="PostgresDatabase.ApplyDefaults"/>), and PostgreSQL
/// keeps a prepared statement's generic plan until the statistics of its tables change. A plan made while
/// a new database's tables were nearly empty scans them whole, and kept scanning them as they grew: an
/// inbound transaction's lookups of its 50 event ids took 10 ms each at 20,000 events instead of 0.3 ms,
/// because autovacuum analyzes a database at most once a minute and only after 10 % of a table changed.
/// Doubling tables are analyzed here (a few times in a table's life, each invalidating the stale plans);
/// at steady state autovacuum has analyzed them long before they double.
/// </remarks>
internal sealed class PostgresStatisticsRefresher : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Changes below this are left to autovacuum: a plan over a small table costs little either way.</summary>
    public const long MinChanges = 500;

    /// <summary>reltuples is -1 for a table never analyzed.</summary>
    private const string StaleTablesSql = """
        SELECT s.relname
        FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
        WHERE s.schemaname = current_schema() AND s.n_mod_since_analyze >= @MinChanges AND s.n_mod_since_analyze >= c.reltuples
        ORDER BY s.relname
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public PostgresStatisticsRefresher(NpgsqlDataSource dataSource, ILogger logger)
    {
        _dataSource = dataSource;
        _logger = logger;
    }

    public void Start() => _loop ??= Task.Run(LoopAsync);

    /// <summary>Analyzes the tables that need it now; returns their names.</summary>
    public async Task<IReadOnlyList<string>> RefreshAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var stale = (await connection.QueryAsync<string>(new CommandDefinition(StaleTablesSql, new { MinChanges },
            cancellationToken: cancellationToken))).ToList();
        foreach (var table in stale)
            await connection.ExecuteAsync(new CommandDefinition($"ANALYZE \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"",
                cancellationToken: cancellationToken));
        return stale;
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                try
                {
                    foreach (var table in await RefreshAsync(_stopping.Token))
                        StorageLog.TableAnalyzed(_logger, table);
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
                {
                    // The next tick tries again; autovacuum still analyzes in the meantime.
                    StorageLog.AnalyzeFailed(_logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
            await _loop;
        _stopping.Dispose();
    }
}
