using Homeserver.Storage.Events;
using Homeserver.Tests.Storage;
using Homeserver.Tests.Storage.Events;

namespace Homeserver.Tests.ServerApi.History;

/// <summary>
/// Backfilled events in the store: they sort before all history held, oldest lowest, change neither
/// forward extremities nor current state, and close the room's backward extremities.
/// </summary>
public abstract class RoomBackfillStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>
    /// A room joined "remotely": its create event held as an outlier, the last two of seven events in
    /// the timeline; the events before them are returned for backfill.
    /// </summary>
    private static async Task<(RoomEventStore Store, TestRoom Room, List<EventToPersist> Older, List<EventToPersist> Recent)> JoinedRoomAsync(
        RoomEventStore store)
    {
        var room = new TestRoom();
        var create = room.Next("m.room.create", "");
        var older = new List<EventToPersist> { create, room.Member("@alice:test.example", "join"), room.Message(), room.Message(), room.Message() };
        var recent = new List<EventToPersist> { room.Member("@bob:test.example", "join"), room.Message("@bob:test.example") };
        await store.PersistOutliersAsync([create with { IsOutlier = true, StateBefore = null }], None);
        await store.PersistAsync(new RoomEventBatch(room.RoomId, recent, [], [.. room.Extremities], new StateMap(room.State),
            new NewRoom("10", "@alice:test.example", create.EventId)), None);
        return (store, room, older, recent);
    }

    [SkippableFact]
    public async Task Backfilled_events_sort_before_all_held_history_without_changing_the_room()
    {
        var store = new RoomEventStore(await fixture.GetSharedDatabaseAsync());
        var (_, room, older, recent) = await JoinedRoomAsync(store);
        var extremities = await store.GetForwardExtremitiesAsync(room.RoomId, None);
        var current = await store.GetCurrentStateAsync(room.RoomId, None);
        var max = await store.GetMaxStreamOrderingAsync(None);
        (await store.GetBackwardExtremitiesAsync(room.RoomId, 5, None)).Should().Equal(older[^1].EventId);

        // Two backfills, newest part first, as pagination would fetch them.
        var first = await store.PersistBackfilledAsync(room.RoomId, older[2..], None);
        (await store.GetBackwardExtremitiesAsync(room.RoomId, 5, None)).Should().Equal(older[1].EventId);
        var second = await store.PersistBackfilledAsync(room.RoomId, older[..2], None);

        first.Select(p => p.EventId).Should().Equal(older[2..].Select(e => e.EventId));
        var firstOrderings = first.Select(p => p.StreamOrdering!.Value).ToList();
        var secondOrderings = second.Select(p => p.StreamOrdering!.Value).ToList();
        firstOrderings.Should().BeInAscendingOrder().And.OnlyContain(o => o <= 0);
        secondOrderings.Should().BeInAscendingOrder().And.OnlyContain(o => o < firstOrderings.Min());

        var timeline = await store.GetRoomEventsAsync(room.RoomId, -long.MaxValue, max, backwards: true, 100, None);
        timeline.Select(e => e.EventId).Should().Equal(older.Concat(recent).Reverse().Select(e => e.EventId));
        timeline.Should().OnlyContain(e => !e.IsOutlier);
        (await store.GetRoomEventsAsync(room.RoomId, 0, max, backwards: false, 100, None)).Select(e => e.EventId)
            .Should().Equal(recent.Select(e => e.EventId), "positions after 0 (what sync reads) hold only the events that arrived as new");

        (await store.GetForwardExtremitiesAsync(room.RoomId, None)).Should().BeEquivalentTo(extremities);
        (await store.GetCurrentStateAsync(room.RoomId, None)).Should().BeEquivalentTo(current);
        (await store.GetMaxStreamOrderingAsync(None)).Should().Be(max);
        (await store.GetStateBeforeAsync(older[3].EventId, None)).Should().BeEquivalentTo(older[3].StateBefore);
        (await store.GetStateAfterAsync(older[1].EventId, None))!.Should().ContainKey(("m.room.member", "@alice:test.example"));
        (await store.GetBackwardExtremitiesAsync(room.RoomId, 5, None)).Should().BeEmpty("the create event is in the timeline now");
    }

    [SkippableFact]
    public async Task Backfilling_again_keeps_the_first_positions_and_an_unknown_room_is_refused()
    {
        var store = new RoomEventStore(await fixture.GetSharedDatabaseAsync());
        var (_, room, older, _) = await JoinedRoomAsync(store);
        var first = await store.PersistBackfilledAsync(room.RoomId, older, None);
        var again = await store.PersistBackfilledAsync(room.RoomId, older, None);
        again.Should().Equal(first);

        var other = new TestRoom();
        var act = () => store.PersistBackfilledAsync(other.RoomId, [other.Next("m.room.create", "")], None);
        await act.Should().ThrowAsync<ArgumentException>();
        (await store.GetBackwardExtremitiesAsync(other.RoomId, 5, None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_room_created_here_has_no_backward_extremities()
    {
        var store = new RoomEventStore(await fixture.GetSharedDatabaseAsync());
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        await store.PersistAsync(room.Batch([room.Message()]), None);
        (await store.GetBackwardExtremitiesAsync(room.RoomId, 5, None)).Should().BeEmpty();
    }
}

public sealed class SqliteRoomBackfillStoreTests(SqliteBackendFixture fixture) : RoomBackfillStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresRoomBackfillStoreTests(PostgresBackendFixture fixture) : RoomBackfillStoreTests<PostgresBackendFixture>(fixture);
