using Homeserver.Storage.Events;

namespace Homeserver.Tests.Storage.Events;

/// <summary>The stream-ordered reads of sync and pagination, run against each backend by the subclasses below.</summary>
public abstract class RoomTimelineStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;

    private async Task<RoomEventStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    [SkippableFact]
    public async Task Room_events_in_a_range_come_in_both_directions_without_rejected_or_soft_failed_ones()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        var start = await store.GetMaxStreamOrderingAsync(None);
        var m1 = room.Message();
        var rejected = room.Next("m.room.message", rejectionReason: "auth");
        var softFailed = room.Next("m.room.message", softFailed: true);
        var m2 = room.Message();
        var m3 = room.Message();
        await store.PersistAsync(room.Batch([m1, rejected, softFailed, m2, m3], changesState: false), None);
        var end = await store.GetMaxStreamOrderingAsync(None);

        (await store.GetRoomEventsAsync(room.RoomId, start, end, backwards: false, 10, None)).Select(e => e.EventId)
            .Should().Equal(m1.EventId, m2.EventId, m3.EventId);
        (await store.GetRoomEventsAsync(room.RoomId, start, end, backwards: true, 2, None)).Select(e => e.EventId)
            .Should().Equal(m3.EventId, m2.EventId);
        var m2Position = (await store.GetEventAsync(m2.EventId, None))!.StreamOrdering!.Value;
        (await store.GetRoomEventsAsync(room.RoomId, start, m2Position, backwards: true, 10, None)).Select(e => e.EventId)
            .Should().Equal(m2.EventId, m1.EventId);
        (await store.GetRoomEventsAsync(room.RoomId, end, end, backwards: true, 10, None)).Should().BeEmpty();
        (await store.GetRoomEventsAsync("!other:test.example", 0, end, backwards: false, 10, None)).Should().BeEmpty();

        (await store.GetLastEventIdAtAsync(room.RoomId, end, None)).Should().Be(m3.EventId);
        (await store.GetLastEventIdAtAsync(room.RoomId, m2Position, None)).Should().Be(m2.EventId);
        (await store.GetLastEventIdAtAsync(room.RoomId, 0, None)).Should().BeNull();
    }

    [SkippableFact]
    public async Task Membership_changes_of_a_user_come_in_stream_order_within_the_range()
    {
        var store = await StoreAsync();
        var bob = $"@b{Guid.NewGuid():N}:test.example";
        var room = new TestRoom();
        var other = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        await store.PersistAsync(other.Create(), None);
        var start = await store.GetMaxStreamOrderingAsync(None);
        var join = room.Member(bob, "join");
        await store.PersistAsync(room.Batch([join]), None);
        var invite = other.Next("m.room.member", bob, membership: "invite");
        await store.PersistAsync(other.Batch([invite]), None);
        var leave = room.Member(bob, "leave");
        await store.PersistAsync(room.Batch([leave]), None);
        var end = await store.GetMaxStreamOrderingAsync(None);

        var changes = await store.GetMembershipChangesAsync(bob, start, end, None);
        changes.Select(c => (c.RoomId, c.EventId, c.Membership)).Should().Equal(
            (room.RoomId, join.EventId, "join"), (other.RoomId, invite.EventId, "invite"), (room.RoomId, leave.EventId, "leave"));
        changes.Select(c => c.StreamOrdering).Should().BeInAscendingOrder();
        (await store.GetMembershipChangesAsync(bob, changes[1].StreamOrdering, end, None)).Select(c => c.EventId).Should().Equal(leave.EventId);
        (await store.GetMembershipChangesAsync("@nobody:test.example", 0, end, None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Transaction_ids_are_found_for_the_sending_device_only()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        var sent = room.Message(transaction: new ClientTransactionKey("@alice:test.example", "PHONE", "t1"));
        var plain = room.Message();
        await store.PersistAsync(room.Batch([sent, plain], changesState: false), None);

        (await store.GetTransactionIdsAsync("@alice:test.example", "PHONE", [sent.EventId, plain.EventId], None))
            .Should().Equal(new Dictionary<string, string> { [sent.EventId] = "t1" });
        (await store.GetTransactionIdsAsync("@alice:test.example", "LAPTOP", [sent.EventId], None)).Should().BeEmpty();
    }
}

public sealed class SqliteRoomTimelineStoreTests(SqliteBackendFixture fixture) : RoomTimelineStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresRoomTimelineStoreTests(PostgresBackendFixture fixture) : RoomTimelineStoreTests<PostgresBackendFixture>(fixture);
