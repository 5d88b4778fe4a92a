using Dapper;
using Homeserver.Storage.Events;

namespace Homeserver.Tests.Storage.Events;

/// <summary>State snapshots, current state and the membership index, run against each backend by the subclasses below.</summary>
public abstract class RoomStateStorageTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;

    private async Task<RoomEventStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    [SkippableFact]
    public async Task State_before_and_after_of_state_and_non_state_events()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        var create = room.Create();
        await store.PersistAsync(create, None);
        var name = room.Next("m.room.name", "");
        var message = room.Message();
        await store.PersistAsync(room.Batch([name, message]), None);

        var afterCreate = (await store.GetStateAfterAsync(create.Events[0].EventId, None))!;
        afterCreate.Should().BeEquivalentTo(new StateMap { [("m.room.create", "")] = create.Events[0].EventId });
        (await store.GetStateBeforeAsync(create.Events[0].EventId, None)).Should().BeEmpty();
        (await store.GetStateBeforeAsync(name.EventId, None)).Should().BeEquivalentTo(name.StateBefore);
        var afterName = (await store.GetStateAfterAsync(name.EventId, None))!;
        afterName[("m.room.name", "")].Should().Be(name.EventId);
        afterName.Should().HaveCount(3);
        (await store.GetStateBeforeAsync(message.EventId, None)).Should().BeEquivalentTo(afterName);
        (await store.GetStateAfterAsync(message.EventId, None)).Should().BeEquivalentTo(afterName);
        (await store.GetStateBeforeAsync("$unknown", None)).Should().BeNull();

        // Reading through a cold store (another process) gives the same maps.
        var cold = new RoomEventStore(await fixture.GetSharedDatabaseAsync());
        (await cold.GetStateAfterAsync(message.EventId, None)).Should().BeEquivalentTo(afterName);
    }

    [SkippableFact]
    public async Task Snapshots_across_many_random_changes_equal_the_model()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        var random = new Random(4242);
        var expected = new Dictionary<string, (StateMap Before, StateMap After)>();
        await store.PersistAsync(Record(room.Create()), None);
        var keys = Enumerable.Range(0, 30).Select(i => i < 20 ? ("m.room.member", $"@u{i}:test.example") : ($"org.example.k{i % 4}", $"{i}")).ToList();

        for (var step = 0; step < 300;)
        {
            var events = new List<EventToPersist>();
            for (var n = random.Next(1, 5); n > 0; n--, step++)
            {
                var roll = random.Next(100);
                var (type, stateKey) = keys[random.Next(keys.Count)];
                StateMap? resolved = null;
                if (roll >= 85)
                {
                    // As if state resolution had changed the state before: an entry replaced or dropped.
                    resolved = new StateMap(room.State);
                    var victim = resolved.Keys.ElementAt(random.Next(resolved.Count));
                    if (victim.Type == "m.room.create")
                        resolved[("org.example.resolved", $"{step}")] = $"$resolved_{step}";
                    else if (random.Next(2) == 0)
                        resolved.Remove(victim);
                    else
                        resolved[victim] = $"$resolved_{step}";
                }

                events.Add(roll switch
                {
                    < 20 => room.Message(),
                    < 25 => room.Next(type, stateKey, rejectionReason: "rejected", stateBefore: resolved),
                    _ => room.Next(type, stateKey, membership: type == "m.room.member" ? "join" : null, stateBefore: resolved),
                });
            }

            await store.PersistAsync(Record(room.Batch(events)), None);
        }

        var cold = new RoomEventStore(await fixture.GetSharedDatabaseAsync());
        foreach (var reader in new[] { store, cold })
        {
            foreach (var (eventId, (before, after)) in expected)
            {
                (await reader.GetStateBeforeAsync(eventId, None)).ShouldMatch(before, $"the state before {eventId}");
                (await reader.GetStateAfterAsync(eventId, None)).ShouldMatch(after, $"the state after {eventId}");
            }

            (await reader.GetCurrentStateAsync(room.RoomId, None)).ShouldMatch(room.State);
        }

        RoomEventBatch Record(RoomEventBatch batch)
        {
            foreach (var e in batch.Events)
            {
                var after = new StateMap(e.StateBefore!);
                if (e.StateKey is not null && e.RejectionReason is null)
                    after[(e.Type, e.StateKey)] = e.EventId;
                expected[e.EventId] = (new StateMap(e.StateBefore!), after);
            }

            return batch;
        }
    }

    [SkippableFact]
    public async Task Snapshot_storage_grows_with_changes_times_log_not_with_room_size()
    {
        var store = await StoreAsync();
        var database = await fixture.GetSharedDatabaseAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        const int members = 150;
        const int changes = 400;
        await store.PersistAsync(room.Batch([.. Enumerable.Range(0, members).Select(i => room.Member($"@m{i}:test.example", "join"))]), None);
        var random = new Random(7);
        for (var i = 0; i < changes; i += 4)
            await store.PersistAsync(room.Batch([.. Enumerable.Range(0, 4).Select(_ => room.Member($"@m{random.Next(members)}:test.example", "join"))]), None);

        await using var connection = await database.OpenConnectionAsync(None);
        var entries = await connection.ExecuteScalarAsync<long>("""
            SELECT COUNT(*) FROM state_group_entries s JOIN state_groups g ON g.state_group = s.state_group WHERE g.room_id = @R
            """, new { R = room.RoomId });
        var totalChanges = members + changes + 2;
        entries.Should().BeLessThan((long)(totalChanges * (Math.Log2(totalChanges) + 1)), "storage is O(n log n) in the number of changes");
        entries.Should().BeLessThan((long)changes * members / 10, "storage must not grow with changes times room size");

        // Every delta is stored against the ancestor at depth d & (d - 1), so chains stay logarithmic.
        var groups = (await connection.QueryAsync<(long Group, long Depth, long? Base)>("""
            SELECT state_group, chain_depth, delta_base FROM state_groups WHERE room_id = @R
            """, new { R = room.RoomId })).ToDictionary(g => g.Group);
        groups.Should().HaveCount(totalChanges + 1);
        foreach (var (_, depth, deltaBase) in groups.Values)
        {
            if (depth == 0)
                deltaBase.Should().BeNull();
            else
                groups[deltaBase!.Value].Depth.Should().Be(depth & (depth - 1));
        }

        (await new RoomEventStore(database).GetCurrentStateAsync(room.RoomId, None)).ShouldMatch(room.State);
    }

    [SkippableFact]
    public async Task Current_state_follows_the_batches_and_single_entries_are_readable()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        var name = room.Next("m.room.name", "");
        var topic = room.Next("m.room.topic", "");
        await store.PersistAsync(room.Batch([name, topic]), None);
        var rename = room.Next("m.room.name", "");
        await store.PersistAsync(room.Batch([rename]), None);
        await store.PersistAsync(room.Batch([room.Message()], changesState: false), None);

        (await store.GetCurrentStateAsync(room.RoomId, None)).Should().BeEquivalentTo(room.State);
        (await store.GetCurrentStateEventIdAsync(room.RoomId, "m.room.name", "", None)).Should().Be(rename.EventId);
        (await store.GetCurrentStateEventIdAsync(room.RoomId, "m.room.topic", "", None)).Should().Be(topic.EventId);
        (await store.GetCurrentStateEventIdAsync(room.RoomId, "m.room.topic", "x", None)).Should().BeNull();
        (await store.GetCurrentStateAsync("!unknown:test.example", None)).Should().BeEmpty();

        // State resolution may also drop an entry from the current state.
        var resolved = new StateMap(room.State);
        resolved.Remove(("m.room.topic", ""));
        var message = room.Message();
        await store.PersistAsync(room.Batch([message]) with { NewCurrentState = resolved }, None);
        (await store.GetCurrentStateAsync(room.RoomId, None)).Should().BeEquivalentTo(resolved);
    }

    [SkippableFact]
    public async Task Current_state_stays_right_when_two_processes_write_the_same_room()
    {
        var database = await fixture.GetSharedDatabaseAsync();
        var first = new RoomEventStore(database);
        var second = new RoomEventStore(database);
        var room = new TestRoom();
        await first.PersistAsync(room.Create(), None);
        for (var i = 0; i < 6; i++)
        {
            var writer = i % 2 == 0 ? second : first;
            await writer.PersistAsync(room.Batch([room.Next("m.room.name", ""), room.Member($"@p{i}:test.example", "join")]), None);
            (await first.GetCurrentStateAsync(room.RoomId, None)).Should().BeEquivalentTo(room.State);
        }

        (await second.GetRoomsForUserAsync("@p5:test.example", "join", None)).Should().Equal(room.RoomId);
    }

    [SkippableFact]
    public async Task The_membership_index_follows_join_leave_ban_and_invite()
    {
        var store = await StoreAsync();
        var alice = "@alice:test.example";
        var bob = $"@bob{Guid.NewGuid():N}:test.example";
        var one = new TestRoom();
        var two = new TestRoom();
        await store.PersistAsync(one.Create(), None);
        await store.PersistAsync(two.Create(), None);

        await store.PersistAsync(one.Batch([one.Member(bob, "join")]), None);
        await store.PersistAsync(two.Batch([two.Next("m.room.member", bob, sender: alice, membership: "invite")]), None);
        (await store.GetRoomsForUserAsync(bob, "join", None)).Should().Equal(one.RoomId);
        (await store.GetRoomsForUserAsync(bob, "invite", None)).Should().Equal(two.RoomId);

        await store.PersistAsync(two.Batch([two.Member(bob, "join")]), None);
        (await store.GetRoomsForUserAsync(bob, "join", None)).Should().BeEquivalentTo([one.RoomId, two.RoomId]);
        (await store.GetRoomsForUserAsync(bob, "invite", None)).Should().BeEmpty();

        await store.PersistAsync(one.Batch([one.Member(bob, "leave")]), None);
        await store.PersistAsync(two.Batch([two.Next("m.room.member", bob, sender: alice, membership: "ban")]), None);
        (await store.GetRoomsForUserAsync(bob, "join", None)).Should().BeEmpty();
        (await store.GetRoomsForUserAsync(bob, "leave", None)).Should().Equal(one.RoomId);
        (await store.GetRoomsForUserAsync(bob, "ban", None)).Should().Equal(two.RoomId);

        // A rejected membership never enters state, so the index keeps the ban.
        await store.PersistAsync(two.Batch([two.Next("m.room.member", bob, sender: bob, membership: "join", rejectionReason: "banned")]), None);
        (await store.GetRoomsForUserAsync(bob, "ban", None)).Should().Equal(two.RoomId);
        (await store.GetRoomsForUserAsync(alice, "join", None)).Should().Contain([one.RoomId, two.RoomId]);
    }
}

public sealed class SqliteRoomStateStorageTests(SqliteBackendFixture fixture) : RoomStateStorageTests<SqliteBackendFixture>(fixture);

public sealed class PostgresRoomStateStorageTests(PostgresBackendFixture fixture) : RoomStateStorageTests<PostgresBackendFixture>(fixture);
