using Homeserver.Storage.Database;
using Homeserver.Storage.Migrations;
using Microsoft.Extensions.Logging;

namespace Homeserver.Storage;

/// <summary>
/// The storage layer's start-up entry point: opens the configured database and brings its schema
/// up to date. Typical use in the host:
/// <code>
/// await using var database = await HomeserverStorage.OpenAsync(options, loggerFactory, cancellationToken);
/// builder.Services.AddHomeserverStorage(database);
/// </code>
/// </summary>
public static class HomeserverStorage
{
    /// <summary>
    /// Opens the database and applies the missing migrations under the migration lock.
    /// Throws <see cref="ArgumentException"/> for unusable options and
    /// <see cref="SchemaTooNewException"/> when the database was migrated by a newer homeserver.
    /// </summary>
    public static async Task<IDatabase> OpenAsync(StorageOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var database = await ConnectAsync(options, loggerFactory, cancellationToken);
        try
        {
            await MigrateAsync(database, MigrationCatalog.For(database.Dialect), loggerFactory, cancellationToken);
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens the database without touching its schema.</summary>
    internal static async Task<IDatabase> ConnectAsync(StorageOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var logger = loggerFactory.CreateLogger(typeof(HomeserverStorage).FullName!);
        if (options.Backend == DatabaseBackend.Sqlite)
        {
            StorageLog.OpeningDatabase(logger, options.Backend, Path.GetFullPath(options.SqlitePath));
            return await SqliteDatabase.OpenAsync(options.SqlitePath, options.SqliteBusyTimeout, cancellationToken);
        }

        StorageLog.OpeningDatabase(logger, options.Backend, DescribePostgresTarget(options.PostgresConnectionString!));
        return await PostgresDatabase.OpenAsync(options.PostgresConnectionString!, loggerFactory, cancellationToken);
    }

    /// <summary>Applies the given migrations; tests pass their own lists.</summary>
    internal static Task<int> MigrateAsync(IDatabase database, IReadOnlyList<Migration> migrations, ILoggerFactory loggerFactory, CancellationToken cancellationToken) =>
        new SchemaMigrator(database, migrations, loggerFactory.CreateLogger<SchemaMigrator>()).MigrateAsync(cancellationToken);

    /// <summary>Host and database of a connection string, for the log, never the password.</summary>
    private static string DescribePostgresTarget(string connectionString)
    {
        try
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            return $"{builder.Host}:{builder.Port}/{builder.Database}";
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The PostgreSQL connection string is not valid: {e.Message}", e);
        }
    }
}
