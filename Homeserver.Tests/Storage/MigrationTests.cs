using System.Data.Common;
using Dapper;
using Homeserver.Storage;
using Homeserver.Storage.Database;
using Homeserver.Storage.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Tests.Storage;

/// <summary>Schema migrations, run against each backend by the subclasses below.</summary>
public abstract class MigrationTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    protected TFixture Fixture { get; } = fixture;

    private IReadOnlyList<Migration> Shipped(IDatabase database) => MigrationCatalog.For(database.Dialect);

    /// <summary>The shipped migrations plus a test table (version N+1) and a row in it (version N+2);
    /// applying either twice would fail, so a double application cannot go unnoticed.</summary>
    private IReadOnlyList<Migration> ShippedPlusTwo(IDatabase database)
    {
        var shipped = Shipped(database);
        var next = shipped[^1].Version + 1;
        return
        [
            .. shipped,
            new Migration(next, "test_items", "CREATE TABLE test_items (id INTEGER NOT NULL PRIMARY KEY, label TEXT NOT NULL);"),
            new Migration(next + 1, "test_item_one", "INSERT INTO test_items (id, label) VALUES (1, 'one');"),
        ];
    }

    [SkippableFact]
    public async Task Migrations_apply_to_an_empty_database_and_record_every_version()
    {
        await using var database = await HomeserverStorage.OpenAsync(await Fixture.CreateEmptyDatabaseAsync(), NullLoggerFactory.Instance, CancellationToken.None);

        var rows = await SchemaRowsAsync(database);
        rows.Select(r => r.Version).Should().Equal(Shipped(database).Select(m => (long)m.Version));
        rows.Should().OnlyContain(r => r.AppliedAt > DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds());
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM access_tokens")).Should().Be(0);
    }

    [SkippableFact]
    public async Task Opening_a_migrated_database_again_applies_nothing()
    {
        var options = await Fixture.CreateEmptyDatabaseAsync();
        IReadOnlyList<SchemaRow> first;
        await using (var database = await HomeserverStorage.OpenAsync(options, NullLoggerFactory.Instance, CancellationToken.None))
            first = await SchemaRowsAsync(database);

        await using (var database = await HomeserverStorage.OpenAsync(options, NullLoggerFactory.Instance, CancellationToken.None))
            (await SchemaRowsAsync(database)).Should().Equal(first);
    }

    [SkippableFact]
    public async Task An_older_schema_gets_only_the_missing_migrations()
    {
        await using var database = await HomeserverStorage.OpenAsync(await Fixture.CreateEmptyDatabaseAsync(), NullLoggerFactory.Instance, CancellationToken.None);
        var before = await SchemaRowsAsync(database);
        var migrations = ShippedPlusTwo(database);

        (await HomeserverStorage.MigrateAsync(database, migrations, NullLoggerFactory.Instance, CancellationToken.None))
            .Should().Be(migrations[^1].Version);

        var after = await SchemaRowsAsync(database);
        after.Take(before.Count).Should().Equal(before);
        after.Select(r => r.Version).Should().Equal(migrations.Select(m => (long)m.Version));
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
        (await connection.QuerySingleAsync<string>("SELECT label FROM test_items WHERE id = 1")).Should().Be("one");
    }

    [SkippableFact]
    public async Task Version_22_keeps_the_notifications_and_keys_them_by_user_and_stream_ordering()
    {
        await using var database = await HomeserverStorage.ConnectAsync(await Fixture.CreateEmptyDatabaseAsync(), NullLoggerFactory.Instance, CancellationToken.None);
        var shipped = Shipped(database);
        await HomeserverStorage.MigrateAsync(database, [.. shipped.Where(m => m.Version <= 21)], NullLoggerFactory.Instance, CancellationToken.None);
        await using (var connection = await database.OpenConnectionAsync(CancellationToken.None))
            await connection.ExecuteAsync("""
                INSERT INTO notifications (user_id, event_id, room_id, stream_ordering, thread_id, highlight, actions, ts)
                VALUES ('@a:x', '$1', '!r:x', 10, 'main', 0, '["notify"]', 1), ('@a:x', '$2', '!r:x', 11, 'main', 1, '["notify"]', 2),
                       ('@b:x', '$1', '!r:x', 10, 'main', 0, '["notify"]', 1)
                """);

        await HomeserverStorage.MigrateAsync(database, [.. shipped.Where(m => m.Version <= 22)], NullLoggerFactory.Instance, CancellationToken.None);

        await using var after = await database.OpenConnectionAsync(CancellationToken.None);
        (await after.QueryAsync<(string, string, long, long)>("SELECT user_id, event_id, stream_ordering, highlight FROM notifications ORDER BY user_id, stream_ordering"))
            .Should().Equal(("@a:x", "$1", 10L, 0L), ("@a:x", "$2", 11L, 1L), ("@b:x", "$1", 10L, 0L));
        var duplicate = () => after.ExecuteAsync("""
            INSERT INTO notifications (user_id, event_id, room_id, stream_ordering, thread_id, highlight, actions, ts)
            VALUES ('@a:x', '$3', '!r:x', 11, 'main', 0, '["notify"]', 3)
            """);
        (await duplicate.Should().ThrowAsync<DbException>()).Which.Should().Match<DbException>(e => database.Dialect.IsUniqueViolation(e));
    }

    [SkippableFact]
    public async Task Version_23_keeps_the_notifications_as_their_users_own_and_makes_joined_members_the_audience()
    {
        await using var database = await HomeserverStorage.ConnectAsync(await Fixture.CreateEmptyDatabaseAsync(), NullLoggerFactory.Instance, CancellationToken.None);
        var shipped = Shipped(database);
        await HomeserverStorage.MigrateAsync(database, [.. shipped.Where(m => m.Version <= 22)], NullLoggerFactory.Instance, CancellationToken.None);
        await using (var connection = await database.OpenConnectionAsync(CancellationToken.None))
            await connection.ExecuteAsync("""
                INSERT INTO notifications (user_id, event_id, room_id, stream_ordering, thread_id, highlight, actions, ts)
                VALUES ('@a:x', '$1', '!r:x', 10, 'main', 1, '["notify"]', 1);
                INSERT INTO room_memberships (user_id, room_id, membership, event_nid)
                VALUES ('@a:x', '!r:x', 'join', 1), ('@b:x', '!r:x', 'leave', 2), ('@a:x', '!s:x', 'invite', 3);
                """);

        await HomeserverStorage.MigrateAsync(database, [.. shipped.Where(m => m.Version <= 23)], NullLoggerFactory.Instance, CancellationToken.None);

        await using var after = await database.OpenConnectionAsync(CancellationToken.None);
        (await after.QueryAsync<(string, long, long, long)>("SELECT user_id, stream_ordering, highlight, suppressed FROM notifications"))
            .Should().Equal(("@a:x", 10L, 1L, 0L));
        (await after.QueryAsync<(string, string, long, long?)>("SELECT user_id, room_id, joined_at, left_at FROM notification_audience"))
            .Should().Equal(("@a:x", "!r:x", 0L, (long?)null));
        (await after.QuerySingleAsync<long>("SELECT COUNT(*) FROM room_notifications")).Should().Be(0);
    }

    [SkippableFact]
    public async Task A_schema_newer_than_the_code_refuses_to_start_and_names_both_versions()
    {
        var options = await Fixture.CreateEmptyDatabaseAsync();
        int known;
        await using (var database = await HomeserverStorage.OpenAsync(options, NullLoggerFactory.Instance, CancellationToken.None))
        {
            known = Shipped(database)[^1].Version;
            await database.InTransactionAsync((connection, transaction) => connection.ExecuteAsync(
                "INSERT INTO schema_version (version, applied_at) VALUES (@Version, 0)", new { Version = known + 5 }, transaction), CancellationToken.None);
        }

        var open = () => HomeserverStorage.OpenAsync(options, NullLoggerFactory.Instance, CancellationToken.None);

        var error = (await open.Should().ThrowAsync<SchemaTooNewException>()).Which;
        error.DatabaseVersion.Should().Be(known + 5);
        error.KnownVersion.Should().Be(known);
        error.Message.Should().Contain($"schema is at version {known + 5}").And.Contain($"up to {known}");
    }

    [SkippableFact]
    public async Task Concurrent_migrators_apply_each_migration_exactly_once()
    {
        var options = await Fixture.CreateEmptyDatabaseAsync();
        // Each caller has its own database object, as separate homeserver processes would.
        var databases = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => HomeserverStorage.ConnectAsync(options, NullLoggerFactory.Instance, CancellationToken.None)));
        try
        {
            var migrations = ShippedPlusTwo(databases[0]);

            var versions = await Task.WhenAll(databases.Select(database =>
                Task.Run(() => HomeserverStorage.MigrateAsync(database, migrations, NullLoggerFactory.Instance, CancellationToken.None))));

            versions.Should().AllBeEquivalentTo(migrations[^1].Version);
            (await SchemaRowsAsync(databases[0])).Select(r => r.Version).Should().Equal(migrations.Select(m => (long)m.Version));
            await using var connection = await databases[0].OpenConnectionAsync(CancellationToken.None);
            (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM test_items")).Should().Be(1);
        }
        finally
        {
            foreach (var database in databases)
                await database.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task A_failing_migration_rolls_back_itself_and_keeps_the_earlier_ones()
    {
        await using var database = await HomeserverStorage.OpenAsync(await Fixture.CreateEmptyDatabaseAsync(), NullLoggerFactory.Instance, CancellationToken.None);
        var shipped = Shipped(database);
        var next = shipped[^1].Version + 1;
        IReadOnlyList<Migration> broken =
        [
            .. shipped,
            new Migration(next, "broken", "CREATE TABLE half_done (id INTEGER NOT NULL PRIMARY KEY); THIS IS NOT SQL;"),
        ];

        var migrate = () => HomeserverStorage.MigrateAsync(database, broken, NullLoggerFactory.Instance, CancellationToken.None);

        await migrate.Should().ThrowAsync<DbException>();
        (await SchemaRowsAsync(database)).Select(r => r.Version).Should().Equal(shipped.Select(m => (long)m.Version));
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
        var tableLeft = () => connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM half_done");
        await tableLeft.Should().ThrowAsync<DbException>("the half-applied migration's table must be rolled back");
    }

    protected static async Task<IReadOnlyList<SchemaRow>> SchemaRowsAsync(IDatabase database)
    {
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
        var rows = await connection.QueryAsync<SchemaRow>("SELECT version AS Version, applied_at AS AppliedAt FROM schema_version ORDER BY version");
        return rows.ToList();
    }

    /// <summary>A schema_version row; Dapper fills the properties (converting SQLite's and PostgreSQL's integer types).</summary>
    protected sealed record SchemaRow
    {
        public long Version { get; init; }
        public long AppliedAt { get; init; }
    }
}

public sealed class SqliteMigrationTests(SqliteBackendFixture fixture) : MigrationTests<SqliteBackendFixture>(fixture);

public sealed class PostgresMigrationTests(PostgresBackendFixture fixture) : MigrationTests<PostgresBackendFixture>(fixture)
{
    [SkippableFact]
    public async Task A_migrator_waits_while_another_session_holds_the_migration_advisory_lock()
    {
        var options = await Fixture.CreateEmptyDatabaseAsync();
        await using var holder = new NpgsqlConnection(options.PostgresConnectionString);
        await holder.OpenAsync();
        await holder.ExecuteAsync("SELECT pg_advisory_lock(@Key)", new { Key = PostgresDialect.MigrationLockKey });

        var opening = Task.Run(() => HomeserverStorage.OpenAsync(options, NullLoggerFactory.Instance, CancellationToken.None));
        await Task.Delay(TimeSpan.FromMilliseconds(700));
        opening.IsCompleted.Should().BeFalse("the migrator must wait for the advisory lock");
        (await holder.ExecuteScalarAsync<bool>("SELECT to_regclass('schema_version') IS NOT NULL")).Should().BeFalse();

        await holder.ExecuteAsync("SELECT pg_advisory_unlock(@Key)", new { Key = PostgresDialect.MigrationLockKey });
        await using var database = await opening.WaitAsync(TimeSpan.FromSeconds(30));
        (await SchemaRowsAsync(database)).Should().NotBeEmpty();
    }
}
