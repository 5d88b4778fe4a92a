using Homeserver.Federation.Rooms;
using Homeserver.Federation.Signing;
using Homeserver.Storage.Events;
using Homeserver.Tests.Storage;
using Homeserver.Tests.Storage.Events;

namespace Homeserver.Tests.Rooms;

public class RoomServersTests(SqliteBackendFixture fixture) : IClassFixture<SqliteBackendFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task The_servers_of_a_room_are_kept_until_a_commit_changes_its_current_state()
    {
        var store = new RoomEventStore(await fixture.GetSharedDatabaseAsync());
        var notifier = new InProcessRoomEventNotifier();
        using var key = SigningKey.Generate();
        using var servers = new RoomServers(store, new ServerIdentity("test.example", key), notifier);
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        (await servers.GetJoinedServersAsync(room.RoomId, None)).Should().Equal("test.example");

        // Stored without a word to the notifier: the kept answer stands.
        await store.PersistAsync(room.Batch([room.Member("@bob:remote.example", "join")]), None);
        (await servers.GetRemoteServersAsync(room.RoomId, None)).Should().BeEmpty();
        notifier.NotifyCommitted(new RoomEventsCommitted(room.RoomId, ["$message"], 10, [], CurrentStateChanged: false));
        (await servers.IsInRoomAsync(room.RoomId, "remote.example", None)).Should().BeFalse();

        notifier.NotifyCommitted(new RoomEventsCommitted(room.RoomId, ["$join"], 11, ["@bob:remote.example"], CurrentStateChanged: true));
        (await servers.GetJoinedServersAsync(room.RoomId, None)).Should().Equal("remote.example", "test.example");
        (await servers.GetRemoteServersAsync(room.RoomId, None)).Should().Equal("remote.example");
    }

    [Fact]
    public async Task Without_a_notifier_every_call_reads_the_members()
    {
        var store = new RoomEventStore(await fixture.GetSharedDatabaseAsync());
        using var key = SigningKey.Generate();
        using var servers = new RoomServers(store, new ServerIdentity("test.example", key));
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        (await servers.GetJoinedServersAsync(room.RoomId, None)).Should().Equal("test.example");
        await store.PersistAsync(room.Batch([room.Member("@bob:remote.example", "join")]), None);
        (await servers.GetJoinedServersAsync(room.RoomId, None)).Should().Equal("remote.example", "test.example");
    }
}
