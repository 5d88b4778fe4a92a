using Homeserver.Storage;
using Homeserver.Storage.Events;
using Homeserver.Storage.Streams;
using Homeserver.Tests.Storage.Events;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Tests.Storage.Streams;

/// <summary>A sync's first reads in one batch equal the stores' own reads, run against each backend by the subclasses below.</summary>
public abstract class SyncStartReaderTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const string Bob = "@bob:test.example";

    [SkippableFact]
    public async Task Positions_memberships_forgotten_and_moved_rooms_are_the_stores_own()
    {
        // A database of its own: the positions are compared with the stores'.
        await using var database = await HomeserverStorage.OpenAsync(await fixture.CreateEmptyDatabaseAsync(), NullLoggerFactory.Instance, None);
        var store = new RoomEventStore(database);
        var reader = new SyncStartReader(database);
        var first = new TestRoom();
        var second = new TestRoom();
        var quiet = new TestRoom();
        await store.PersistAsync(first.Create(), None);
        await store.PersistAsync(second.Create(), None);
        await store.PersistAsync(quiet.Create(), None);
        await store.PersistAsync(first.Batch([first.Member(Bob, "join")]), None);
        await store.PersistAsync(second.Batch([second.Member(Bob, "join")]), None);
        await store.PersistAsync(second.Batch([second.Member(Bob, "leave")]), None);
        await store.ForgetRoomAsync(Bob, second.RoomId, None);
        var token = await store.GetMaxStreamOrderingAsync(None);
        await store.PersistAsync(first.Batch([first.Message()]), None);
        await store.PersistAsync(quiet.Batch([quiet.Message()]), None);

        var start = await reader.ReadAsync(Bob, token, 100, None);

        start.Positions.Should().Be(await new StreamPositionsReader(database).ReadAsync(None));
        start.Memberships.Should().Equal(await store.GetMembershipChangesAsync(Bob, 0, start.Positions.Room, None));
        start.Memberships.Select(m => m.Membership).Should().Equal("join", "join", "leave");
        start.Forgotten.Should().BeEquivalentTo([second.RoomId]);
        start.MovedRooms.Should().BeEquivalentTo(await store.GetRoomsChangedBetweenAsync(token, start.Positions.Room, None));
        start.MovedRooms.Should().BeEquivalentTo([first.RoomId, quiet.RoomId]);

        var initial = await reader.ReadAsync(Bob, null, 100, None);
        initial.MovedRooms.Should().BeNull();
        initial.Memberships.Should().Equal(start.Memberships);
        (await reader.ReadAsync("@nobody:test.example", null, 100, None)).Memberships.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Moved_rooms_are_read_over_the_bounded_range_only_and_any_token_is_safe()
    {
        await using var database = await HomeserverStorage.OpenAsync(await fixture.CreateEmptyDatabaseAsync(), NullLoggerFactory.Instance, None);
        var store = new RoomEventStore(database);
        var reader = new SyncStartReader(database);
        var early = new TestRoom();
        var late = new TestRoom();
        await store.PersistAsync(early.Create(), None);
        var token = await store.GetMaxStreamOrderingAsync(None);
        await store.PersistAsync(early.Batch([early.Message()]), None);
        await store.PersistAsync(late.Create(), None);

        (await reader.ReadAsync(Bob, token, 1, None)).MovedRooms.Should().BeEquivalentTo([early.RoomId]);
        (await reader.ReadAsync(Bob, long.MaxValue - 1, 100, None)).MovedRooms.Should().BeEmpty();
        (await reader.ReadAsync(Bob, -5, 0, None)).MovedRooms.Should().BeEmpty();
    }
}

public sealed class SqliteSyncStartReaderTests(SqliteBackendFixture fixture) : SyncStartReaderTests<SqliteBackendFixture>(fixture);

public sealed class PostgresSyncStartReaderTests(PostgresBackendFixture fixture) : SyncStartReaderTests<PostgresBackendFixture>(fixture);
