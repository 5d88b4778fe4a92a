using Homeserver.Storage.Events;

namespace Homeserver.Tests.Storage.Events;

/// <summary>Concurrent writers, run against each backend by the subclasses below.</summary>
public abstract class RoomEventStoreConcurrencyTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;

    [SkippableFact]
    public async Task Parallel_batches_for_one_room_lose_no_event_and_get_increasing_stream_orderings()
    {
        var database = await fixture.GetSharedDatabaseAsync();
        var room = new TestRoom();
        await new RoomEventStore(database).PersistAsync(room.Create(), None);
        const int writers = 6;
        const int batchesPerWriter = 8;
        var conflicts = 0;

        // Each writer is its own store (as another process would be) and recomputes on every conflict.
        var results = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var store = new RoomEventStore(database);
            var mine = new List<PersistedEvent>();
            for (var b = 0; b < batchesPerWriter; b++)
            {
                while (true)
                {
                    var extremities = await store.GetForwardExtremitiesAsync(room.RoomId, None);
                    var state = await store.GetCurrentStateAsync(room.RoomId, None);
                    var first = Message(w, b, 0, extremities, state);
                    var second = Message(w, b, 1, [first.EventId], state);
                    try
                    {
                        var batch = new RoomEventBatch(room.RoomId, [first, second], extremities, [second.EventId], NewCurrentState: null);
                        mine.AddRange(await store.PersistAsync(batch, None));
                        break;
                    }
                    catch (RoomChangedException)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                }
            }

            return mine;
        })));

        var all = results.SelectMany(r => r).ToList();
        all.Should().HaveCount(writers * batchesPerWriter * 2);
        all.Select(p => p.StreamOrdering).Should().OnlyHaveUniqueItems();
        foreach (var mine in results)
            mine.Select(p => p.StreamOrdering!.Value).Should().BeInAscendingOrder();

        // No lost update: in stream order, every event's prev event is the one just before it.
        var reader = new RoomEventStore(database);
        var stored = (await reader.GetEventsAsync([.. all.Select(p => p.EventId)], None)).OrderBy(e => e.StreamOrdering).ToList();
        stored.Should().HaveCount(all.Count);
        var prevs = await PrevEventsAsync(all.Select(p => p.EventId));
        for (var i = 1; i < stored.Count; i++)
            prevs[stored[i].EventId].Should().Equal(stored[i - 1].EventId);
        (await reader.GetForwardExtremitiesAsync(room.RoomId, None)).Should().Equal(stored[^1].EventId);

        EventToPersist Message(int writer, int batch, int index, IReadOnlyList<string> prev, StateMap state) => new(
            $"$w{writer}b{batch}i{index}_{Guid.NewGuid():N}", room.RoomId, "m.room.message", null, "@alice:test.example", 10, 0,
            "{}"u8.ToArray(), prev, [room.CreateEventId!], null, false, null, false, state);
    }

    [SkippableFact]
    public async Task Parallel_writes_to_different_rooms_all_land()
    {
        var database = await fixture.GetSharedDatabaseAsync();
        var store = new RoomEventStore(database);
        var rooms = Enumerable.Range(0, 8).Select(_ => new TestRoom()).ToList();

        var results = await Task.WhenAll(rooms.Select(room => Task.Run(async () =>
        {
            var persisted = new List<PersistedEvent>(await store.PersistAsync(room.Create(), None));
            for (var i = 0; i < 10; i++)
                persisted.AddRange(await store.PersistAsync(room.Batch([room.Message(), room.Member($"@x{i}:test.example", "join")]), None));
            return persisted;
        })));

        results.SelectMany(r => r.Select(p => p.StreamOrdering)).Should().OnlyHaveUniqueItems();
        foreach (var persisted in results)
            persisted.Select(p => p.StreamOrdering!.Value).Should().BeInAscendingOrder();
        foreach (var room in rooms)
        {
            (await store.GetForwardExtremitiesAsync(room.RoomId, None)).Should().Equal(room.Extremities);
            (await store.GetCurrentStateAsync(room.RoomId, None)).Should().BeEquivalentTo(room.State);
        }
    }

    [SkippableFact]
    public async Task Rooms_gaining_the_same_new_members_in_opposite_orders_at_once_all_land()
    {
        // New state keys are interned in a table shared by all rooms: two writers that meet the same
        // new keys in opposite orders must not deadlock (as joins of the same users to two rooms did).
        var database = await fixture.GetSharedDatabaseAsync();
        var store = new RoomEventStore(database);
        var first = new TestRoom();
        var second = new TestRoom();
        await store.PersistAsync(first.Create(), None);
        await store.PersistAsync(second.Create(), None);

        for (var round = 0; round < 20; round++)
        {
            var users = Enumerable.Range(0, 8).Select(i => $"@r{round}u{i}_{Guid.NewGuid():N}:test.example").ToList();
            var forward = first.Batch([.. users.Select(u => first.Member(u, "join"))]);
            var backward = second.Batch([.. Enumerable.Reverse(users).Select(u => second.Member(u, "join"))]);
            await Task.WhenAll(Task.Run(() => store.PersistAsync(forward, None)), Task.Run(() => store.PersistAsync(backward, None)));
        }

        (await store.GetCurrentStateAsync(first.RoomId, None)).Should().BeEquivalentTo(first.State);
        (await store.GetCurrentStateAsync(second.RoomId, None)).Should().BeEquivalentTo(second.State);
    }

    private async Task<Dictionary<string, List<string>>> PrevEventsAsync(IEnumerable<string> eventIds)
    {
        var database = await fixture.GetSharedDatabaseAsync();
        await using var connection = await database.OpenConnectionAsync(None);
        var rows = await Dapper.SqlMapper.QueryAsync<(string EventId, string PrevId)>(connection, """
            SELECT n.event_id, p.event_id FROM event_prev_edges x
            JOIN event_nids n ON n.event_nid = x.event_nid JOIN event_nids p ON p.event_nid = x.prev_event_nid
            """);
        var wanted = eventIds.ToHashSet();
        return rows.Where(r => wanted.Contains(r.EventId)).GroupBy(r => r.EventId).ToDictionary(g => g.Key, g => g.Select(r => r.PrevId).ToList());
    }
}

public sealed class SqliteRoomEventStoreConcurrencyTests(SqliteBackendFixture fixture) : RoomEventStoreConcurrencyTests<SqliteBackendFixture>(fixture);

public sealed class PostgresRoomEventStoreConcurrencyTests(PostgresBackendFixture fixture) : RoomEventStoreConcurrencyTests<PostgresBackendFixture>(fixture);
