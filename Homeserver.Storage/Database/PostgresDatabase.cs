using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Homeserver.Storage.Database;

/// <summary>A PostgreSQL database reached through one pooled <see cref="NpgsqlDataSource"/>.</summary>
public sealed class PostgresDatabase : IDatabase
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresStatisticsRefresher _statistics;

    private PostgresDatabase(NpgsqlDataSource dataSource, ILogger logger)
    {
        _dataSource = dataSource;
        _statistics = new PostgresStatisticsRefresher(dataSource, logger);
    }

    public SqlDialect Dialect => PostgresDialect.Instance;

    /// <summary>Statements kept prepared per connection unless the operator's connection string says otherwise.</summary>
    public const int DefaultMaxAutoPrepare = 256;

    /// <summary>
    /// Unless the operator's connection string says otherwise:
    /// <list type="bullet">
    /// <item>no <c>DISCARD ALL</c> round trip each time a connection goes back to the pool: the stores keep no
    /// session state (their advisory locks are scoped to a transaction, or released explicitly), and the stores'
    /// many short statements would pay it every time;</item>
    /// <item>statements run more than once are prepared on each connection (their SQL text is fixed; arrays go in
    /// as parameters), so PostgreSQL no longer parses and plans them on every run: most of the database's CPU time
    /// in a message send went to that, more than to executing them. PostgreSQL may then keep a generic plan made
    /// for the tables' statistics of that time: <see cref="PostgresStatisticsRefresher"/> analyzes tables that grew
    /// fast, which replaces such plans. (Forcing a plan per run instead, plan_cache_mode=force_custom_plan, cost
    /// 9-46 % of the sends into 10 and 100 rooms at 64 clients.)</item>
    /// </list>
    /// </summary>
    internal static void ApplyDefaults(NpgsqlConnectionStringBuilder settings)
    {
        // NpgsqlConnectionStringBuilder answers ContainsKey for every keyword it knows; what the operator wrote
        // is read with the plain builder, whose keys are exactly the given ones.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = settings.ConnectionString };
        var keys = given.Keys.Cast<string>().Select(key => key.Replace(" ", "", StringComparison.Ordinal)).ToList();
        bool Says(string key) => keys.Any(k => k.Equals(key, StringComparison.OrdinalIgnoreCase));
        if (!Says("NoResetOnClose"))
            settings.NoResetOnClose = true;
        if (!Says("MaxAutoPrepare"))
            settings.MaxAutoPrepare = DefaultMaxAutoPrepare;
        if (!Says("AutoPrepareMinUsages"))
            settings.AutoPrepareMinUsages = 2;
    }

    /// <summary>Creates the data source and checks that the server answers.</summary>
    public static async Task<PostgresDatabase> OpenAsync(string connectionString, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        NpgsqlDataSourceBuilder builder;
        try
        {
            builder = new NpgsqlDataSourceBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The PostgreSQL connection string is not valid: {e.Message}", e);
        }

        ApplyDefaults(builder.ConnectionStringBuilder);
        var database = new PostgresDatabase(builder.UseLoggerFactory(loggerFactory).Build(), loggerFactory.CreateLogger<PostgresDatabase>());
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            database._statistics.Start();
            return database;
        }
        catch (NpgsqlException e)
        {
            await database.DisposeAsync();
            throw new InvalidOperationException($"Cannot connect to the PostgreSQL database: {e.Message}", e);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await Dialect.BeginWriteTransactionAsync(connection, cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Analyzes the tables that grew enough since their last analysis now (the refresher does it every few seconds).</summary>
    internal Task<IReadOnlyList<string>> RefreshStatisticsAsync(CancellationToken cancellationToken) => _statistics.RefreshAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _statistics.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
