using Homeserver.Configuration;
using Homeserver.Storage;
using Homeserver.Storage.Database;
using Homeserver.Storage.Migrations;
using Microsoft.Extensions.Logging;

namespace Homeserver.Hosting;

/// <summary>Opens the configured database and migrates it before the server takes requests.</summary>
public static class StorageSetup
{
    /// <summary>The storage options for the <c>database</c> section (paths already resolved by the config loader).</summary>
    public static StorageOptions OptionsFor(DatabaseConfig database) => database.Engine switch
    {
        DatabaseEngine.Sqlite => new StorageOptions
        {
            Backend = DatabaseBackend.Sqlite,
            SqlitePath = database.Args.Database ?? DatabaseArgs.DefaultSqliteFile,
        },
        DatabaseEngine.Postgres => new StorageOptions
        {
            Backend = DatabaseBackend.Postgres,
            PostgresConnectionString = database.ConnectionString(),
        },
        _ => throw new ArgumentException($"database.name: unknown database '{database.Name}'"),
    };

    /// <summary>Null, after a one-line message on <paramref name="stderr"/>, when the database cannot be used.</summary>
    public static async Task<IDatabase?> OpenAsync(HomeserverConfig config, TextWriter stderr)
    {
        using var loggerFactory = LoggerFactory.Create(logging => logging
            .AddSimpleConsole(options => options.SingleLine = true)
            .SetMinimumLevel(config.LogLevel)
            // Npgsql logs every command at Information: only at Debug is that wanted.
            .AddFilter("Npgsql", config.LogLevel <= LogLevel.Debug ? config.LogLevel : LogLevel.Warning));
        try
        {
            return await HomeserverStorage.OpenAsync(OptionsFor(config.Database), loggerFactory, CancellationToken.None);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or SchemaTooNewException)
        {
            await stderr.WriteLineAsync($"database error: {e.Message}");
            return null;
        }
    }
}
