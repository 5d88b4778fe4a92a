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
    public async Task The_state_at_a_position_is_the_state_after_the_last_visible_event_there()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        var created = await store.GetMaxStreamOrderingAsync(None);
        var named = room.Next("m.room.name", stateKey: "");
        await store.PersistAsync(room.Batch([named]), None);
        var afterName = await store.GetMaxStreamOrderingAsync(None);
        var rejectedTopic = room.Next("m.room.topic", stateKey: "", rejectionReason: "auth");
        await store.PersistAsync(room.Batch([rejectedTopic, room.Message()]), None);
        var end = await store.GetMaxStreamOrderingAsync(None);

        var atCreation = await store.GetStateAtAsync(room.RoomId, created, None);
        atCreation.Should().NotBeNull().And.NotContainKey(("m.room.name", ""));
        (await store.GetStateAtAsync(room.RoomId, afterName, None)).Should().BeEquivalentTo(await store.GetStateAfterAsync(named.EventId, None));
        var atEnd = await store.GetStateAtAsync(room.RoomId, end, None);
        atEnd.Should().ContainKey(("m.room.name", "")).WhoseValue.Should().Be(named.EventId);
        atEnd.Should().NotContainKey(("m.room.topic", ""));
        (await store.GetStateAtAsync(room.RoomId, 0, None)).Should().BeNull();
        (await store.GetStateAtAsync("!other:test.example", end, None)).Should().BeNull();
    }

    [SkippableFact]
    public async Task Rooms_changed_in_a_range_are_exactly_those_with_events_in_it()
    {
        var store = await StoreAsync();
        var quiet = new TestRoom();
        var busy = new TestRoom();
        var later = new TestRoom();
        await store.PersistAsync(quiet.Create(), None);
        await store.PersistAsync(busy.Create(), None);
        var start = await store.GetMaxStreamOrderingAsync(None);
        await store.PersistAsync(busy.Batch([busy.Message(), busy.Next("m.room.message", rejectionReason: "auth")], changesState: false), None);
        var middle = await store.GetMaxStreamOrderingAsync(None);
        await store.PersistAsync(later.Create(), None);
        var end = await store.GetMaxStreamOrderingAsync(None);

        (await store.GetRoomsChangedBetweenAsync(start, middle, None)).Should().BeEquivalentTo([busy.RoomId]);
        (await store.GetRoomsChangedBetweenAsync(start, end, None)).Should().BeEquivalentTo([busy.RoomId, later.RoomId]);
        (await store.GetRoomsChangedBetweenAsync(middle, end, None)).Should().BeEquivalentTo([later.RoomId]);
        (await store.GetRoomsChangedBetweenAsync(end, end, None)).Should().BeEmpty();
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
    public async Task Members_changed_in_rooms_are_the_distinct_targets_of_visible_member_events_in_the_range_earliest_first()
    {
        var store = await StoreAsync();
        string User(string name) => $"@{name}{Guid.NewGuid():N}:test.example";
        var (bob, carol, dave, erin, frank, gina, harry, ivan) = (User("b"), User("c"), User("d"), User("e"), User("f"), User("g"), User("h"), User("i"));
        var one = new TestRoom();
        var two = new TestRoom();
        var notAsked = new TestRoom();
        await store.PersistAsync(one.Create(), None);
        await store.PersistAsync(two.Create(), None);
        await store.PersistAsync(notAsked.Create(), None);
        await store.PersistAsync(one.Batch([one.Member(ivan, "join")]), None); // before the range
        var start = await store.GetMaxStreamOrderingAsync(None);

        await store.PersistAsync(one.Batch([one.Member(bob, "join"), one.Message(), one.Next("m.room.name", "")]), None);
        await store.PersistAsync(two.Batch([two.Member(gina, "join")]), None);
        await store.PersistAsync(one.Batch([one.Member(carol, "join"), one.Member(bob, "leave")]), None);
        await store.PersistAsync(notAsked.Batch([notAsked.Member(frank, "join")]), None);
        // Neither rejected nor soft-failed member events count (kept out of the current state).
        await store.PersistAsync(one.Batch([one.Next("m.room.member", dave, sender: dave, membership: "join", rejectionReason: "auth"),
            one.Next("m.room.member", erin, sender: erin, membership: "join", softFailed: true)], changesState: false), None);
        // Nor does an outlier (no stream position).
        var outlier = new TestRoom(one.RoomId).Next("m.room.member", harry, sender: harry, membership: "join") with { IsOutlier = true, StateBefore = null };
        await store.PersistOutliersAsync([outlier], None);
        var end = await store.GetMaxStreamOrderingAsync(None);
        await store.PersistAsync(two.Batch([two.Member(harry, "join")]), None); // after the range

        var changed = await store.GetMembersChangedInRoomsAsync([one.RoomId, two.RoomId], start, end, 100, None);
        changed.Should().Equal((one.RoomId, bob), (two.RoomId, gina), (one.RoomId, carol));
        (await store.GetMembersChangedInRoomsAsync([one.RoomId, two.RoomId, one.RoomId], start, end, 2, None))
            .Should().Equal((one.RoomId, bob), (two.RoomId, gina));
        (await store.GetMembersChangedInRoomsAsync([two.RoomId], start, await store.GetMaxStreamOrderingAsync(None), 100, None))
            .Should().Equal((two.RoomId, gina), (two.RoomId, harry));
        (await store.GetMembersChangedInRoomsAsync([one.RoomId], 0, start, 100, None)).Should().Equal((one.RoomId, "@alice:test.example"), (one.RoomId, ivan));
        (await store.GetMembersChangedInRoomsAsync([one.RoomId], end, end, 100, None)).Should().BeEmpty();
        (await store.GetMembersChangedInRoomsAsync([], start, end, 100, None)).Should().BeEmpty();
        (await store.GetMembersChangedInRoomsAsync(["!unknown:test.example"], start, end, 100, None)).Should().BeEmpty();
        await FluentActions.Awaiting(() => store.GetMembersChangedInRoomsAsync([""], start, end, 100, None)).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => store.GetMembersChangedInRoomsAsync([one.RoomId], start, end, 0, None))
            .Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [SkippableFact]
    public async Task Events_by_timestamp_come_nearest_first_in_each_direction_and_continue_after_a_cursor()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        const long T = 1_800_000_000_000; // after the create event's timestamp
        var at100 = room.Message() with { OriginServerTs = T + 100 };
        var rejected = room.Next("m.room.message", rejectionReason: "auth") with { OriginServerTs = T + 150 };
        var firstAt200 = room.Message() with { OriginServerTs = T + 200 };
        var softFailed = room.Next("m.room.message", softFailed: true) with { OriginServerTs = T + 200 };
        var secondAt200 = room.Message() with { OriginServerTs = T + 200 };
        var at300 = room.Message() with { OriginServerTs = T + 300 };
        await store.PersistAsync(room.Batch([at100, rejected, firstAt200, softFailed, secondAt200, at300], changesState: false), None);

        async Task<string[]> Ids(TimestampCursor cursor, bool backwards, int limit = 10) =>
            [.. (await store.GetRoomEventsByTimestampAsync(room.RoomId, cursor, backwards, limit, None)).Select(e => e.EventId)];

        (await Ids(new(T + 150), backwards: false)).Should().Equal(firstAt200.EventId, secondAt200.EventId, at300.EventId);
        (await Ids(new(T + 200), backwards: false, limit: 1)).Should().Equal(firstAt200.EventId);
        (await Ids(new(T + 200), backwards: true, limit: 3)).Should().Equal(secondAt200.EventId, firstAt200.EventId, at100.EventId);
        (await Ids(new(T + 250), backwards: true, limit: 1)).Should().Equal(secondAt200.EventId);
        (await Ids(new(T + 301), backwards: false)).Should().BeEmpty();
        (await Ids(new(T + 99), backwards: true)).Should().HaveCount(2).And.EndWith(room.CreateEventId!); // the room's create and join

        var first = (await store.GetEventAsync(firstAt200.EventId, None))!;
        (await Ids(TimestampCursor.After(first), backwards: false)).Should().Equal(secondAt200.EventId, at300.EventId);
        (await Ids(TimestampCursor.After(first), backwards: true)).Should().StartWith(at100.EventId).And.HaveCount(3); // then the join and create
        (await store.GetRoomEventsByTimestampAsync("!other:test.example", new(0), false, 10, None)).Should().BeEmpty();
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
