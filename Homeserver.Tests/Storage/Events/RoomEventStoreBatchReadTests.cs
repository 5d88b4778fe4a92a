using Homeserver.Storage.Events;

namespace Homeserver.Tests.Storage.Events;

/// <summary>
/// The reads for many rooms or events at once (an initial sync's): each answers as the one-room or one-event read does,
/// run against each backend by the subclasses below.
/// </summary>
public abstract class RoomEventStoreBatchReadTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const string Bob = "@bob:test.example";

    private async Task<RoomEventStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    [SkippableFact]
    public async Task Events_of_many_client_transactions_are_each_transactions_own()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        var user = $"@txn{Guid.NewGuid():N}:test.example";
        var phone = new ClientTransactionKey(user, "PHONE", "t1");
        var laptop = new ClientTransactionKey(user, "LAPTOP", "t1");
        var quoted = new ClientTransactionKey(user, "PHONE", "it's \"t2\"");
        var (m1, m2, m3) = (room.Message(user, phone), room.Message(user, laptop), room.Message(user, quoted));
        await store.PersistAsync(room.Batch([m1, m2, m3], changesState: false), None);
        var unknown = new ClientTransactionKey(user, "PHONE", "t9");

        var found = await store.GetEventIdsForTransactionsAsync([phone, laptop, quoted, unknown, phone], None);

        found.Should().BeEquivalentTo(new Dictionary<ClientTransactionKey, string>
        {
            [phone] = m1.EventId, [laptop] = m2.EventId, [quoted] = m3.EventId,
        });
        foreach (var key in new[] { phone, laptop, quoted })
            (await store.GetEventIdForTransactionAsync(key, None)).Should().Be(found[key]);
        (await store.GetEventIdsForTransactionsAsync([], None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Latest_room_events_of_several_rooms_are_each_rooms_newest_in_the_range()
    {
        var store = await StoreAsync();
        var (busy, quiet, empty) = (new TestRoom(), new TestRoom(), new TestRoom());
        await store.PersistAsync(busy.Create(), None);
        await store.PersistAsync(quiet.Create(), None);
        var after = await store.GetMaxStreamOrderingAsync(None);
        var rejected = busy.Next("m.room.message", rejectionReason: "auth");
        await store.PersistAsync(busy.Batch([busy.Message(), busy.Message(), rejected, busy.Message(Bob)], changesState: false), None);
        await store.PersistAsync(quiet.Batch([quiet.Message()], changesState: false), None);
        var upTo = await store.GetMaxStreamOrderingAsync(None);
        await store.PersistAsync(busy.Batch([busy.Message()], changesState: false), None);

        var latest = await store.GetLatestRoomEventsAsync([busy.RoomId, quiet.RoomId, empty.RoomId, busy.RoomId], after, upTo, 2, None);

        latest.Keys.Should().BeEquivalentTo([busy.RoomId, quiet.RoomId], "a room with nothing in the range is absent");
        foreach (var room in new[] { busy, quiet })
            latest[room.RoomId].Select(e => e.EventId).Should()
                .Equal((await store.GetRoomEventsAsync(room.RoomId, after, upTo, backwards: true, 2, None)).Select(e => e.EventId));
        latest[busy.RoomId].Should().HaveCount(2).And.NotContain(e => e.EventId == rejected.EventId);
        (await store.GetLatestRoomEventsAsync([busy.RoomId], upTo, upTo, 2, None)).Should().BeEmpty();
        (await store.GetLatestRoomEventsAsync([], 0, upTo, 2, None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task States_before_several_events_are_each_events_state_before()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        var message = room.Message();
        var topic = room.Next("m.room.topic", "");
        var bobJoins = room.Member(Bob, "join");
        // Several changes, so later snapshots are deltas on earlier ones.
        var names = Enumerable.Range(0, 6).Select(i => room.Next("m.room.name", "")).ToList();
        var last = room.Message(Bob);
        await store.PersistAsync(room.Batch([message, topic, bobJoins, .. names, last]), None);
        string[] ids = [message.EventId, topic.EventId, names[3].EventId, last.EventId];

        // A second store on the database: its snapshot cache is empty, so the snapshots are read together.
        var cold = await StoreAsync();
        var states = await cold.GetStatesBeforeAsync([.. ids, "$unknown:test.example"], None);

        states.Keys.Should().BeEquivalentTo(ids);
        foreach (var id in ids)
            states[id].Should().Equal((await store.GetStateBeforeAsync(id, None))!);
        (await cold.GetStatesBeforeAsync(ids, None))[last.EventId].Should().Equal(states[last.EventId], "then from the cache");
        states[last.EventId][("m.room.name", "")].Should().Be(names[^1].EventId);
        states[last.EventId].Should().ContainKey(("m.room.member", Bob));
        states[message.EventId].Should().NotContainKey(("m.room.topic", ""));
    }

    [SkippableFact]
    public async Task Current_states_of_several_rooms_follow_state_changes()
    {
        var store = await StoreAsync();
        var (first, second) = (new TestRoom(), new TestRoom());
        await store.PersistAsync(first.Create(), None);
        await store.PersistAsync(second.Create(Bob), None);
        const string unknown = "!unknown:test.example";

        var states = await (await StoreAsync()).GetCurrentStatesAsync([first.RoomId, second.RoomId, unknown], None);
        states[first.RoomId].Should().Equal(await store.GetCurrentStateAsync(first.RoomId, None));
        states[second.RoomId].Should().Equal(await store.GetCurrentStateAsync(second.RoomId, None));
        states[unknown].Should().BeEmpty();

        var topic = first.Next("m.room.topic", "");
        await store.PersistAsync(first.Batch([topic]), None);
        var after = await store.GetCurrentStatesAsync([first.RoomId], None);
        after[first.RoomId][("m.room.topic", "")].Should().Be(topic.EventId, "a cached state of an older version is not served");
        after[first.RoomId].Should().Equal(first.State);
    }

    [SkippableFact]
    public async Task Parents_with_children_are_those_with_a_live_related_event()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        var (threaded, edited, redactedOnly, alone) = (room.Message(), room.Message(), room.Message(), room.Message());
        var reply = room.Message(Bob) with { Relation = new EventRelation(threaded.EventId, "m.thread") };
        var edit = room.Message() with { Relation = new EventRelation(edited.EventId, "m.replace") };
        var redactedReply = room.Message(Bob) with { Relation = new EventRelation(redactedOnly.EventId, "m.thread") };
        var redaction = room.Next("m.room.redaction", sender: Bob) with { Redacts = redactedReply.EventId };
        await store.PersistAsync(room.Batch([threaded, edited, redactedOnly, alone, reply, edit, redactedReply, redaction], changesState: false), None);

        var parents = await store.GetParentsWithChildrenAsync([threaded.EventId, edited.EventId, redactedOnly.EventId, alone.EventId, reply.EventId], None);

        parents.Should().BeEquivalentTo([threaded.EventId, edited.EventId]);
        (await store.GetParentsWithChildrenAsync([], None)).Should().BeEmpty();
    }
}

public sealed class SqliteRoomEventStoreBatchReadTests(SqliteBackendFixture fixture) : RoomEventStoreBatchReadTests<SqliteBackendFixture>(fixture);

public sealed class PostgresRoomEventStoreBatchReadTests(PostgresBackendFixture fixture) : RoomEventStoreBatchReadTests<PostgresBackendFixture>(fixture);
