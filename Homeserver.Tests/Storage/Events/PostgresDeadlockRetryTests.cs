using System.Data.Common;
using Homeserver.Storage.Database;
using Homeserver.Storage.Events;
using Npgsql;

namespace Homeserver.Tests.Storage.Events;

/// <summary>
/// PostgreSQL may abort a write transaction to break a deadlock (SQLite cannot: a write transaction takes
/// the database's one write lock first); the event store writes such a batch again.
/// </summary>
public sealed class PostgresDeadlockRetryTests(PostgresBackendFixture fixture) : IClassFixture<PostgresBackendFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [SkippableFact]
    public async Task A_batch_aborted_by_a_deadlock_is_written_again_from_scratch()
    {
        var database = await fixture.GetSharedDatabaseAsync();
        var room = new TestRoom();
        await new RoomEventStore(database).PersistAsync(room.Create(), None);

        // The first transaction does all its work (snapshots, interned keys) and is then aborted as PostgreSQL
        // aborts a deadlock victim; the retry must not reuse anything of the rolled-back attempt.
        var aborting = new DeadlockOnceDatabase(database);
        var store = new RoomEventStore(aborting);
        var batch = room.Batch([room.Member($"@new_{Guid.NewGuid():N}:test.example", "join"), room.Message()]);
        var persisted = await store.PersistAsync(batch, None);

        aborting.Attempts.Should().Be(2);
        persisted.Should().HaveCount(2).And.OnlyContain(p => p.StreamOrdering != null);
        var reader = new RoomEventStore(database);
        (await reader.GetCurrentStateAsync(room.RoomId, None)).Should().BeEquivalentTo(room.State);
        (await reader.GetForwardExtremitiesAsync(room.RoomId, None)).Should().Equal(room.Extremities);
        (await reader.GetStateAfterAsync(batch.Events[1].EventId, None)).Should().BeEquivalentTo(room.State);
    }
}

/// <summary>A database whose first write transaction runs its work and is then aborted with PostgreSQL's deadlock error.</summary>
internal sealed class DeadlockOnceDatabase(IDatabase inner) : IDatabase
{
    private int _attempts;

    public int Attempts => _attempts;

    public SqlDialect Dialect => inner.Dialect;

    public Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) => inner.OpenConnectionAsync(cancellationToken);

    public Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        inner.InTransactionAsync(async (connection, transaction) =>
        {
            var result = await work(connection, transaction);
            if (Interlocked.Increment(ref _attempts) == 1)
                throw new PostgresException("deadlock detected", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected);
            return result;
        }, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
