using System.Data.Common;
using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Tests.Storage;

/// <summary>The unit-of-work helper and the dialect, run against each backend by the subclasses below.</summary>
public abstract class DatabaseTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private const string CreateTableSql = "CREATE TABLE IF NOT EXISTS scratch_items (id INTEGER NOT NULL PRIMARY KEY, label TEXT NOT NULL)";
    private const string InsertSql = "INSERT INTO scratch_items (id, label) VALUES (@Id, @Label)";
    private const string CountSql = "SELECT COUNT(*) FROM scratch_items WHERE id BETWEEN @From AND @To";

    private static int _nextId;

    private async Task<IDatabase> DatabaseAsync()
    {
        var database = await fixture.GetSharedDatabaseAsync();
        await database.InTransactionAsync((connection, transaction) => connection.ExecuteAsync(CreateTableSql, transaction: transaction), CancellationToken.None);
        return database;
    }

    private static int NewIds(int count) => Interlocked.Add(ref _nextId, count) - count + 1;

    private static async Task<long> CountAsync(IDatabase database, int from, int to)
    {
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<long>(CountSql, new { From = from, To = to });
    }

    [SkippableFact]
    public async Task A_unit_of_work_commits_all_its_statements_and_returns_its_result()
    {
        var database = await DatabaseAsync();
        var id = NewIds(2);

        var result = await database.InTransactionAsync(async (connection, transaction) =>
            await connection.ExecuteAsync(InsertSql, new { Id = id, Label = "a" }, transaction)
            + await connection.ExecuteAsync(InsertSql, new { Id = id + 1, Label = "b" }, transaction), CancellationToken.None);

        result.Should().Be(2);
        (await CountAsync(database, id, id + 1)).Should().Be(2);
    }

    [SkippableFact]
    public async Task A_unit_of_work_that_throws_is_rolled_back()
    {
        var database = await DatabaseAsync();
        var id = NewIds(1);

        var work = () => database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(InsertSql, new { Id = id, Label = "doomed" }, transaction);
            throw new InvalidOperationException("the caller changed its mind");
        }, CancellationToken.None);

        await work.Should().ThrowAsync<InvalidOperationException>().WithMessage("the caller changed its mind");
        (await CountAsync(database, id, id)).Should().Be(0);
    }

    [SkippableFact]
    public async Task The_dialect_recognises_a_primary_key_violation_and_nothing_else()
    {
        var database = await DatabaseAsync();
        var id = NewIds(1);
        await database.InTransactionAsync((connection, transaction) => connection.ExecuteAsync(InsertSql, new { Id = id, Label = "x" }, transaction), CancellationToken.None);

        var duplicate = () => database.InTransactionAsync((connection, transaction) => connection.ExecuteAsync(InsertSql, new { Id = id, Label = "y" }, transaction), CancellationToken.None);
        var notNull = () => database.InTransactionAsync((connection, transaction) => connection.ExecuteAsync(InsertSql, new { Id = id + 1000000, Label = (string?)null }, transaction), CancellationToken.None);

        database.Dialect.IsUniqueViolation((await duplicate.Should().ThrowAsync<DbException>()).Which).Should().BeTrue();
        database.Dialect.IsUniqueViolation((await notNull.Should().ThrowAsync<DbException>()).Which).Should().BeFalse();
        database.Dialect.Backend.Should().Be(fixture.Backend);
    }

    [SkippableFact]
    public async Task Concurrent_units_of_work_all_commit()
    {
        var database = await DatabaseAsync();
        var first = NewIds(30);

        await Task.WhenAll(Enumerable.Range(first, 30).Select(id => Task.Run(() => database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(InsertSql, new { Id = id, Label = "first" }, transaction);
            await Task.Delay(2);
            await connection.ExecuteAsync("UPDATE scratch_items SET label = 'second' WHERE id = @Id", new { Id = id }, transaction);
        }, CancellationToken.None))));

        (await CountAsync(database, first, first + 29)).Should().Be(30);
    }
}

public sealed class SqliteDatabaseTests(SqliteBackendFixture fixture) : DatabaseTests<SqliteBackendFixture>(fixture);

public sealed class PostgresDatabaseTests(PostgresBackendFixture fixture) : DatabaseTests<PostgresBackendFixture>(fixture);
