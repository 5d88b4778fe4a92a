using System.Text.Json.Nodes;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using static Homeserver.Tests.Rooms.PipelineHarness;

namespace Homeserver.Tests.Rooms;

/// <summary>The optimistic write: a batch computed on a room another writer changed meanwhile is recomputed.</summary>
public sealed class RoomEventPipelineRetryTests
{
    [Fact]
    public async Task A_batch_overtaken_by_another_writer_is_rebuilt_on_top_of_its_event()
    {
        var store = new InMemoryRoomEventStore();
        var h = new PipelineHarness(store);
        var roomId = await h.CreateRoomAsync(RoomVersion.V12);
        var other = NewPipeline(store, new InProcessRoomEventNotifier());
        RoomEventResult? overtaking = null;
        store.BeforeNextPersist = async () => overtaking = await other.SendAsync(
            new LocalEventDraft(roomId, "m.room.message", null, Alice, new JsonObject { ["body"] = "first" }), null, CancellationToken.None);

        var late = await h.MessageAsync(roomId, "second");

        overtaking!.Outcome.Should().Be(RoomEventOutcome.Accepted);
        late.Outcome.Should().Be(RoomEventOutcome.Accepted);
        store.RoomChangedCount.Should().Be(1);
        (await h.EventAsync(late.EventId!, RoomVersion.V12)).PrevEvents.Should().Equal(overtaking.EventId);
        late.StreamOrdering.Should().BeGreaterThan(overtaking.StreamOrdering!.Value);
        (await h.ExtremitiesAsync(roomId)).Should().Equal(late.EventId);
    }

    [Fact]
    public async Task A_room_another_process_wrote_since_is_read_again_not_decided_on_the_remembered_head()
    {
        var store = new InMemoryRoomEventStore();
        var h = new PipelineHarness(store);
        var roomId = await h.CreateRoomAsync(RoomVersion.V11); // this writer now remembers the room's head
        var other = NewPipeline(store, new InProcessRoomEventNotifier());
        const string dave = "@dave:a.test";
        (await other.SendAsync(new LocalEventDraft(roomId, "m.room.member", dave, dave, new JsonObject { ["membership"] = "join" }), null,
            CancellationToken.None)).Outcome.Should().Be(RoomEventOutcome.Accepted);

        // On the remembered head Dave is no member: the refusal must come from the room as stored, where he is.
        var fromDave = await h.MessageAsync(roomId, "hello", sender: dave);
        fromDave.Outcome.Should().Be(RoomEventOutcome.Accepted);
        // And a send on the remembered, now stale, extremities is caught by the store and rebuilt.
        (await other.SendAsync(new LocalEventDraft(roomId, "m.room.message", null, Alice, new JsonObject { ["body"] = "meanwhile" }), null,
            CancellationToken.None)).Outcome.Should().Be(RoomEventOutcome.Accepted);
        var roomChanged = store.RoomChangedCount;
        var late = await h.MessageAsync(roomId, "late");
        late.Outcome.Should().Be(RoomEventOutcome.Accepted);
        store.RoomChangedCount.Should().Be(roomChanged + 1);
        (await h.ExtremitiesAsync(roomId)).Should().Equal(late.EventId);
    }

    [Fact]
    public async Task A_writer_always_overtaken_gives_up_after_its_attempts()
    {
        var store = new InMemoryRoomEventStore();
        var h = new PipelineHarness(store, new RoomEventPipelineOptions { MaxAttempts = 3 });
        var roomId = await h.CreateRoomAsync(RoomVersion.V11);
        var other = NewPipeline(store, new InProcessRoomEventNotifier());
        var overtakes = 0;
        async Task Overtake()
        {
            overtakes++;
            await other.SendAsync(new LocalEventDraft(roomId, "m.room.message", null, Alice, new JsonObject { ["body"] = "again" }), null,
                CancellationToken.None);
            store.BeforeNextPersist = Overtake;
        }
        store.BeforeNextPersist = Overtake;

        var send = () => h.MessageAsync(roomId, "never");

        await send.Should().ThrowAsync<Homeserver.Storage.Events.RoomChangedException>();
        store.RoomChangedCount.Should().Be(3);
        overtakes.Should().Be(3);
        store.BeforeNextPersist = null;
    }
}
