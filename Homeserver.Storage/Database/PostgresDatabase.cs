using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Homeserver.Storage.Database;

/// <summary>A PostgreSQL database reached through one pooled <see cref="NpgsqlDataSource"/>.</summary>
public sealed class PostgresDatabase : IDatabase
{
    private readonly NpgsqlDataSource _dataSource;

    private PostgresDatabase(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    public SqlDialect Dialect => PostgresDialect.Instance;

    /// <summary>
    /// Unless the operator's connection string says otherwise, no <c>DISCARD ALL</c> round trip each time a
    /// connection goes back to the pool: the stores keep no session state (their advisory locks are scoped to a
    /// transaction, or released explicitly), and the stores' many short statements would pay it every time.
    /// </summary>
    internal static void ApplyDefaults(NpgsqlConnectionStringBuilder settings)
    {
        // NpgsqlConnectionStringBuilder answers ContainsKey for every keyword it knows; what the operator wrote
        // is read with the plain builder, whose keys are exactly the given ones.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = settings.ConnectionString };
        var saysReset = given.Keys.Cast<string>()
            .Any(key => key.Replace(" ", "", StringComparison.Ordinal).Equals("NoResetOnClose", StringComparison.OrdinalIgnoreCase));
        if (!saysReset)
            settings.NoResetOnClose = true;
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
        var database = new PostgresDatabase(builder.UseLoggerFactory(loggerFactory).Build());
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
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

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
