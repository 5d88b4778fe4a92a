using Homeserver.Storage.Events;
using Homeserver.Storage.PublishedRooms;
using Homeserver.Tests.Storage.Events;

namespace Homeserver.Tests.Storage.PublishedRooms;

/// <summary>The published room store, run against each backend by the subclasses below.</summary>
public abstract class PublishedRoomStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;

    [SkippableFact]
    public async Task Rooms_are_published_once_unpublished_and_counted_by_joined_members()
    {
        var database = await fixture.GetSharedDatabaseAsync();
        var store = new PublishedRoomStore(database);
        var events = new RoomEventStore(database);
        var room = new TestRoom();
        await events.PersistAsync(room.Create(), None);
        await events.PersistAsync(room.Batch([room.Member("@bob:test.example", "join"), room.Member("@carol:test.example", "invite")]), None);

        await store.PublishAsync(room.RoomId, 1, None);
        await store.PublishAsync(room.RoomId, 2, None);
        (await store.IsPublishedAsync(room.RoomId, None)).Should().BeTrue();
        (await store.ListAsync(None)).Should().ContainSingle(r => r == room.RoomId);
        (await store.GetPublishedJoinedMemberCountsAsync(None))[room.RoomId].Should().Be(2);
        (await store.GetJoinedMemberCountAsync(room.RoomId, None)).Should().Be(2);
        (await store.GetJoinedMemberCountAsync("!unknown:test.example", None)).Should().Be(0);

        await store.UnpublishAsync(room.RoomId, None);
        (await store.IsPublishedAsync(room.RoomId, None)).Should().BeFalse();
        (await store.ListAsync(None)).Should().NotContain(room.RoomId);
        (await store.GetPublishedJoinedMemberCountsAsync(None)).Should().NotContainKey(room.RoomId);
        (await store.GetJoinedMemberCountAsync(room.RoomId, None)).Should().Be(2, "unpublished rooms are counted too");
    }
}

public sealed class SqlitePublishedRoomStoreTests(SqliteBackendFixture fixture) : PublishedRoomStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresPublishedRoomStoreTests(PostgresBackendFixture fixture) : PublishedRoomStoreTests<PostgresBackendFixture>(fixture);
