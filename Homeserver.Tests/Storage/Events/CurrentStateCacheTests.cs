using Homeserver.Storage.Events;

namespace Homeserver.Tests.Storage.Events;

/// <summary>
/// The current state cache never serves a stale state: two store instances on one database (two server nodes)
/// each see the other's changes. Run against each backend by the subclasses below.
/// </summary>
public abstract class CurrentStateCacheTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;

    [SkippableFact]
    public async Task A_change_written_by_another_node_is_read_instead_of_the_cached_state()
    {
        var database = await fixture.GetSharedDatabaseAsync();
        var nodeA = new RoomEventStore(database);
        var nodeB = new RoomEventStore(database);
        var room = new TestRoom();
        await nodeA.PersistAsync(room.Create(), None);
        (await nodeA.GetCurrentStateAsync(room.RoomId, None)).Should().BeEquivalentTo(room.State);
        (await nodeB.GetCurrentStateAsync(room.RoomId, None)).Should().BeEquivalentTo(room.State);

        var join = room.Member("@bob:test.example", "join");
        await nodeB.PersistAsync(room.Batch([join]), None);
        var seenByA = await nodeA.GetCurrentStateAsync(room.RoomId, None);
        seenByA.Should().BeEquivalentTo(room.State);
        seenByA[("m.room.member", "@bob:test.example")].Should().Be(join.EventId);

        // A caller changing its copy does not change what the next caller gets.
        seenByA.Remove(("m.room.member", "@bob:test.example"));
        (await nodeA.GetCurrentStateAsync(room.RoomId, None)).Should().ContainKey(("m.room.member", "@bob:test.example"));
        (await nodeA.GetCurrentStateAsync("!unknown:test.example", None)).Should().BeEmpty();
    }
}

public sealed class SqliteCurrentStateCacheTests(SqliteBackendFixture fixture) : CurrentStateCacheTests<SqliteBackendFixture>(fixture);

public sealed class PostgresCurrentStateCacheTests(PostgresBackendFixture fixture) : CurrentStateCacheTests<PostgresBackendFixture>(fixture);
