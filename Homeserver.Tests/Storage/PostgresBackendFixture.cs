using Homeserver.Storage;
using Npgsql;
using Xunit.Abstractions;

namespace Homeserver.Tests.Storage;

/// <summary>Fresh databases on the test PostgreSQL server, dropped afterwards.</summary>
public sealed class PostgresBackendFixture(IMessageSink diagnostics) : BackendFixture
{
    private readonly List<string> _databases = [];

    public override DatabaseBackend Backend => DatabaseBackend.Postgres;

    public override async Task<StorageOptions> CreateEmptyDatabaseAsync()
    {
        var server = await TestPostgresServer.RequireAsync(diagnostics);
        var name = "homeserver_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        lock (_databases)
            _databases.Add(name);
        return new StorageOptions
        {
            Backend = DatabaseBackend.Postgres,
            PostgresConnectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString,
        };
    }

    protected override async Task RemoveDatabasesAsync()
    {
        string[] names;
        lock (_databases)
            names = [.. _databases];
        if (names.Length == 0)
            return;
        var server = await TestPostgresServer.RequireAsync(diagnostics);
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        foreach (var name in names)
        {
            // FORCE ends sessions a test left in a pool.
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
