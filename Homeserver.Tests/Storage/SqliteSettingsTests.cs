using Dapper;
using Homeserver.Storage;
using Homeserver.Storage.Database;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Tests.Storage;

/// <summary>What only SQLite needs: its connection settings and one writer at a time across processes.</summary>
public sealed class SqliteSettingsTests(SqliteBackendFixture fixture) : IClassFixture<SqliteBackendFixture>
{
    [Fact]
    public async Task Connections_use_wal_mode_foreign_keys_and_a_busy_timeout()
    {
        var database = await fixture.GetSharedDatabaseAsync();
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);

        (await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode")).Should().Be("wal");
        (await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys")).Should().Be(1);
        (await connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout")).Should().Be(30_000);
    }

    [Fact]
    public async Task Writers_of_two_processes_on_one_file_wait_for_each_other_instead_of_failing()
    {
        // Two database objects on one file stand for two processes: they share no in-process lock,
        // so only BEGIN IMMEDIATE and the busy timeout keep their writers apart.
        var options = await fixture.CreateEmptyDatabaseAsync();
        await using var one = await HomeserverStorage.OpenAsync(options, NullLoggerFactory.Instance, CancellationToken.None);
        await using var two = await HomeserverStorage.OpenAsync(options, NullLoggerFactory.Instance, CancellationToken.None);
        await one.InTransactionAsync((c, t) => c.ExecuteAsync("CREATE TABLE counter (n INTEGER NOT NULL)", transaction: t), CancellationToken.None);
        await one.InTransactionAsync((c, t) => c.ExecuteAsync("INSERT INTO counter (n) VALUES (0)", transaction: t), CancellationToken.None);

        // Read-modify-write: a lost update or a SQLITE_BUSY failure would show in the final count.
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => (i % 2 == 0 ? one : two).InTransactionAsync(async (c, t) =>
        {
            var n = await c.ExecuteScalarAsync<long>("SELECT n FROM counter", transaction: t);
            await Task.Delay(1);
            await c.ExecuteAsync("UPDATE counter SET n = @N", new { N = n + 1 }, t);
        }, CancellationToken.None))));

        await using var connection = await one.OpenConnectionAsync(CancellationToken.None);
        (await connection.ExecuteScalarAsync<long>("SELECT n FROM counter")).Should().Be(40);
    }

    [Fact]
    public async Task The_database_file_and_its_folder_are_created_when_missing()
    {
        var options = await fixture.CreateEmptyDatabaseAsync();
        options = options with { SqlitePath = Path.Combine(Path.GetDirectoryName(options.SqlitePath)!, "nested", "deeper", "homeserver.db") };

        await using var database = await HomeserverStorage.OpenAsync(options, NullLoggerFactory.Instance, CancellationToken.None);

        File.Exists(options.SqlitePath).Should().BeTrue();
        database.Should().BeOfType<SqliteDatabase>();
    }
}
