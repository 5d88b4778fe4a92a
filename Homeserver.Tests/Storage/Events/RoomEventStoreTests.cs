using Dapper;
using Homeserver.Storage;
using Homeserver.Storage.Database;
using Homeserver.Storage.Events;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.Storage.Events;

/// <summary>The room event store's events, edges, extremities and metadata, run against each backend by the subclasses below.</summary>
public abstract class RoomEventStoreTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private static readonly CancellationToken None = CancellationToken.None;

    private async Task<RoomEventStore> StoreAsync() => new(await fixture.GetSharedDatabaseAsync());

    [SkippableFact]
    public async Task Persisted_events_round_trip_with_increasing_stream_orderings()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        var create = room.Create();
        var message = room.Message();
        var before = await store.GetMaxStreamOrderingAsync(None);

        var first = await store.PersistAsync(create, None);
        var second = await store.PersistAsync(room.Batch([message], changesState: false), None);

        first.Select(p => p.EventId).Should().Equal(create.Events.Select(e => e.EventId));
        var orderings = first.Concat(second).Select(p => p.StreamOrdering!.Value).ToList();
        orderings.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        orderings[0].Should().BeGreaterThan(before);
        (await store.GetMaxStreamOrderingAsync(None)).Should().BeGreaterThanOrEqualTo(orderings[^1]);

        var stored = await store.GetEventAsync(message.EventId, None);
        stored.Should().BeEquivalentTo(new EventRecord(message.EventId, room.RoomId, "m.room.message", null, message.Sender, message.Depth,
            message.OriginServerTs, second[0].StreamOrdering, false, null, false, null, message.Json));
        stored!.Json.Should().Equal(message.Json);
        var join = (await store.GetEventAsync(create.Events[1].EventId, None))!;
        join.StateKey.Should().Be("@alice:test.example");
        join.IsState.Should().BeTrue();
        (await store.GetEventsAsync([message.EventId, create.Events[0].EventId, "$unknown"], None)).Select(e => e.EventId)
            .Should().BeEquivalentTo([message.EventId, create.Events[0].EventId]);
        (await store.GetEventAsync("$unknown", None)).Should().BeNull();
        (await store.GetRoomAsync(room.RoomId, None)).Should().Be(new RoomRecord(room.RoomId, "10", "@alice:test.example", create.Events[0].EventId));
        (await store.GetRoomAsync("!nope:test.example", None)).Should().BeNull();
        (await store.GetForwardExtremitiesAsync(room.RoomId, None)).Should().Equal(message.EventId);
    }

    [SkippableFact]
    public async Task Outliers_have_no_stream_ordering_state_or_extremity_and_are_written_once()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        var remote = new TestRoom(room.RoomId);
        var outlier = remote.Next("m.room.member", "@bob:remote.example", sender: "@bob:remote.example", membership: "join") with { IsOutlier = true, StateBefore = null };

        await store.PersistOutliersAsync([outlier, outlier], None);
        await store.PersistOutliersAsync([outlier with { Json = [1, 2, 3] }], None);

        var stored = (await store.GetEventAsync(outlier.EventId, None))!;
        stored.IsOutlier.Should().BeTrue();
        stored.StreamOrdering.Should().BeNull();
        stored.Json.Should().Equal(outlier.Json);
        (await store.GetStateBeforeAsync(outlier.EventId, None)).Should().BeNull();
        (await store.GetStateAfterAsync(outlier.EventId, None)).Should().BeNull();
        (await store.GetForwardExtremitiesAsync(room.RoomId, None)).Should().Equal(room.Extremities);
        (await store.GetRoomsForUserAsync("@bob:remote.example", "join", None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task An_outlier_that_arrives_in_the_timeline_takes_its_place_there()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        var name = room.Next("m.room.name", "");
        await store.PersistOutliersAsync([name with { IsOutlier = true, StateBefore = null }], None);

        var persisted = await store.PersistAsync(room.Batch([name]), None);

        persisted[0].StreamOrdering.Should().NotBeNull();
        var stored = (await store.GetEventAsync(name.EventId, None))!;
        stored.IsOutlier.Should().BeFalse();
        stored.StreamOrdering.Should().Be(persisted[0].StreamOrdering);
        (await store.GetStateBeforeAsync(name.EventId, None)).ShouldMatch(name.StateBefore!);
        (await store.GetStateAfterAsync(name.EventId, None))![("m.room.name", "")].Should().Be(name.EventId);
        (await store.GetCurrentStateEventIdAsync(room.RoomId, "m.room.name", "", None)).Should().Be(name.EventId);

        // Written as an outlier again later, it stays in the timeline.
        await store.PersistOutliersAsync([name with { IsOutlier = true, StateBefore = null }], None);
        (await store.GetEventAsync(name.EventId, None))!.StreamOrdering.Should().Be(persisted[0].StreamOrdering);
    }

    [SkippableFact]
    public async Task Rejected_and_soft_failed_flags_are_stored_and_rejected_events_never_enter_state()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        var rejected = room.Next("m.room.topic", "", rejectionReason: "auth: not allowed");
        var softFailed = room.Next("m.room.message", softFailed: true);
        var persisted = await store.PersistAsync(room.Batch([rejected, softFailed]), None);

        var r = (await store.GetEventAsync(rejected.EventId, None))!;
        r.IsRejected.Should().BeTrue();
        r.RejectionReason.Should().Be("auth: not allowed");
        r.IsSoftFailed.Should().BeFalse();
        var s = (await store.GetEventAsync(softFailed.EventId, None))!;
        s.IsSoftFailed.Should().BeTrue();
        s.IsRejected.Should().BeFalse();
        persisted.Should().OnlyContain(p => p.StreamOrdering != null);

        (await store.GetStateAfterAsync(rejected.EventId, None)).Should().BeEquivalentTo(rejected.StateBefore);
        (await store.GetStateAfterAsync(rejected.EventId, None))!.Should().NotContainKey(("m.room.topic", ""));
        (await store.GetCurrentStateEventIdAsync(room.RoomId, "m.room.topic", "", None)).Should().BeNull();
    }

    [SkippableFact]
    public async Task Prev_and_auth_edges_are_stored_and_unknown_targets_stay_resolvable()
    {
        var store = await StoreAsync();
        var database = await fixture.GetSharedDatabaseAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        var gap = "$missing_" + Guid.NewGuid().ToString("N");
        var message = room.Message() with { PrevEvents = [room.Extremities[0], gap] };
        await store.PersistAsync(room.Batch([message], changesState: false), None);

        await using var connection = await database.OpenConnectionAsync(None);
        var prevs = await connection.QueryAsync<string>("""
            SELECT p.event_id FROM event_prev_edges x
            JOIN event_nids n ON n.event_nid = x.event_nid JOIN event_nids p ON p.event_nid = x.prev_event_nid
            WHERE n.event_id = @Id
            """, new { Id = message.EventId });
        prevs.Should().BeEquivalentTo(message.PrevEvents);
        var auths = await connection.QueryAsync<string>("""
            SELECT p.event_id FROM event_auth_edges x
            JOIN event_nids n ON n.event_nid = x.event_nid JOIN event_nids p ON p.event_nid = x.auth_event_nid
            WHERE n.event_id = @Id
            """, new { Id = message.EventId });
        auths.Should().BeEquivalentTo(message.AuthEvents);
        (await store.GetMissingEventIdsAsync([gap, message.EventId, room.CreateEventId!], None)).Should().BeEquivalentTo([gap]);
    }

    [SkippableFact]
    public async Task A_batch_computed_from_stale_extremities_fails_and_writes_nothing()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        var stale = room.Extremities.ToList();
        var winner = room.Message();
        await store.PersistAsync(room.Batch([winner], changesState: false), None);
        var maxBefore = await store.GetMaxStreamOrderingAsync(None);

        var loser = room.Next("m.room.name", "", transaction: new ClientTransactionKey("@alice:test.example", "DEV", "txn-stale"));
        var batch = room.Batch([loser]) with { ExpectedForwardExtremities = stale };
        var act = () => store.PersistAsync(batch, None);

        await act.Should().ThrowAsync<RoomChangedException>();
        (await store.GetEventAsync(loser.EventId, None)).Should().BeNull();
        (await store.GetForwardExtremitiesAsync(room.RoomId, None)).Should().Equal(winner.EventId);
        (await store.GetCurrentStateEventIdAsync(room.RoomId, "m.room.name", "", None)).Should().BeNull();
        (await store.GetEventIdForTransactionAsync(loser.ClientTransaction!, None)).Should().BeNull();
        (await store.GetMaxStreamOrderingAsync(None)).Should().BeGreaterThanOrEqualTo(maxBefore);
    }

    [SkippableFact]
    public async Task A_batch_that_takes_a_stored_event_for_new_fails_and_writes_nothing()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        var stored = room.Message();
        await store.PersistAsync(room.Batch([stored], changesState: false), None);
        var extremities = room.Extremities.ToList();
        var next = room.Message();

        var again = room.Batch([stored, next], changesState: false) with { ExpectedForwardExtremities = extremities, AssumedNew = [stored.EventId, next.EventId] };
        await store.Invoking(s => s.PersistAsync(again, None)).Should().ThrowAsync<RoomChangedException>();

        (await store.GetEventAsync(next.EventId, None)).Should().BeNull();
        (await store.GetForwardExtremitiesAsync(room.RoomId, None)).Should().Equal(stored.EventId);
        var fresh = room.Batch([next], changesState: false) with { ExpectedForwardExtremities = extremities, AssumedNew = [next.EventId] };
        await store.PersistAsync(fresh, None);
        (await store.GetEventAsync(next.EventId, None)).Should().NotBeNull();
    }

    [SkippableFact]
    public async Task Persisting_the_same_events_again_is_idempotent()
    {
        var store = await StoreAsync();
        var database = await fixture.GetSharedDatabaseAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        var messages = room.Batch([room.Message(), room.Message()], changesState: false);
        var first = await store.PersistAsync(messages, None);

        var second = await store.PersistAsync(messages with { ExpectedForwardExtremities = room.Extremities.ToList() }, None);
        var third = room.Message();
        var mixed = await store.PersistAsync(
            room.Batch([messages.Events[1], third], changesState: false) with { ExpectedForwardExtremities = [messages.Events[1].EventId] }, None);

        second.Should().Equal(first);
        mixed[0].Should().Be(first[1]);
        mixed[1].StreamOrdering.Should().BeGreaterThan(first[1].StreamOrdering!.Value);
        await using var connection = await database.OpenConnectionAsync(None);
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM events WHERE room_id = @R", new { R = room.RoomId })).Should().Be(5);
        (await store.GetForwardExtremitiesAsync(room.RoomId, None)).Should().Equal(third.EventId);
    }

    [SkippableFact]
    public async Task Creating_a_room_that_exists_is_a_conflict()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        var other = new TestRoom(room.RoomId);

        var act = () => store.PersistAsync(other.Create("@mallory:test.example"), None);

        await act.Should().ThrowAsync<StorageConflictException>();
        (await store.GetRoomAsync(room.RoomId, None))!.CreatorUserId.Should().Be("@alice:test.example");
    }

    [SkippableFact]
    public async Task Client_transaction_ids_map_durably_to_their_event_and_cannot_be_reused()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        await store.PersistAsync(room.Create(), None);
        var key = new ClientTransactionKey("@alice:test.example", "DEVICE", "txn-" + Guid.NewGuid().ToString("N"));
        var sent = room.Message(transaction: key);
        await store.PersistAsync(room.Batch([sent], changesState: false), None);

        (await new RoomEventStore(await fixture.GetSharedDatabaseAsync()).GetEventIdForTransactionAsync(key, None)).Should().Be(sent.EventId);
        (await store.GetEventIdForTransactionAsync(key with { DeviceId = "OTHER" }, None)).Should().BeNull();

        var duplicate = room.Message(transaction: key);
        var act = () => store.PersistAsync(room.Batch([duplicate], changesState: false), None);
        await act.Should().ThrowAsync<StorageConflictException>();
        (await store.GetEventAsync(duplicate.EventId, None)).Should().BeNull();
        (await store.GetEventIdForTransactionAsync(key, None)).Should().Be(sent.EventId);
    }

    [SkippableFact]
    public async Task The_auth_chain_of_a_small_graph_is_every_reachable_stored_event()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        var create = room.Next("m.room.create", "");
        var join = room.Next("m.room.member", "@alice:test.example", membership: "join", authEvents: [create.EventId]);
        var power = room.Next("m.room.power_levels", "", authEvents: [create.EventId, join.EventId]);
        var rules = room.Next("m.room.join_rules", "", authEvents: [create.EventId, join.EventId, power.EventId]);
        var bob = room.Next("m.room.member", "@bob:test.example", membership: "join", authEvents: [create.EventId, power.EventId, rules.EventId, "$unknown_auth"]);
        var message = room.Next("m.room.message", authEvents: [create.EventId, power.EventId, bob.EventId]);
        await store.PersistAsync(room.Batch([create, join, power, rules, bob, message], newRoom: true), None);

        (await store.GetAuthChainAsync([message.EventId], None)).Should().BeEquivalentTo(
            [create.EventId, join.EventId, power.EventId, rules.EventId, bob.EventId]);
        (await store.GetAuthChainAsync([power.EventId, join.EventId], None)).Should().BeEquivalentTo([create.EventId, join.EventId]);
        (await store.GetAuthChainAsync([create.EventId], None)).Should().BeEmpty();
        (await store.GetAuthChainAsync(["$unknown"], None)).Should().BeEmpty();
        (await store.GetAuthChainAsync([], None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task The_auth_chain_of_a_deep_chain_is_found_in_one_query()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        const int length = 3000;
        var events = new List<EventToPersist>(length);
        for (var i = 0; i < length; i++)
        {
            var e = room.Next("m.room.member", $"@u{i}:test.example", membership: "join",
                authEvents: i == 0 ? [] : i == 1 ? [events[0].EventId] : [events[0].EventId, events[i - 1].EventId]);
            events.Add(e with { IsOutlier = true, StateBefore = null });
        }

        await store.PersistOutliersAsync(events, None);

        var chain = await store.GetAuthChainAsync([events[^1].EventId], None);
        chain.Should().HaveCount(length - 1);
        chain.SetEquals(events.Take(length - 1).Select(e => e.EventId)).Should().BeTrue();
        (await store.GetAuthChainAsync([events[10].EventId, events[5].EventId], None)).Should().HaveCount(10);
    }

    [SkippableFact]
    public async Task The_storage_services_provide_the_event_store()
    {
        var database = await fixture.GetSharedDatabaseAsync();
        await using var services = new ServiceCollection().AddHomeserverStorage(database).BuildServiceProvider();

        var store = services.GetRequiredService<IRoomEventStore>();

        store.Should().BeOfType<RoomEventStore>().And.BeSameAs(services.GetRequiredService<IRoomEventStore>());
        (await store.GetMaxStreamOrderingAsync(None)).Should().BeGreaterThanOrEqualTo(0);
    }

    [SkippableFact]
    public async Task Invalid_batches_are_refused_before_anything_is_written()
    {
        var store = await StoreAsync();
        var room = new TestRoom();
        var batch = room.Create();

        await store.Invoking(s => s.PersistAsync(batch with { Events = [] }, None)).Should().ThrowAsync<ArgumentException>();
        await store.Invoking(s => s.PersistAsync(batch with { RoomId = "!other:test.example" }, None)).Should().ThrowAsync<ArgumentException>();
        await store.Invoking(s => s.PersistAsync(batch with { Events = [batch.Events[0] with { StateBefore = null }] }, None)).Should().ThrowAsync<ArgumentException>();
        await store.Invoking(s => s.PersistAsync(batch with { Events = [batch.Events[0] with { EventId = "" }] }, None)).Should().ThrowAsync<ArgumentException>();
        await store.Invoking(s => s.PersistAsync(batch with { Events = [batch.Events[0] with { PrevEvents = [""] }] }, None)).Should().ThrowAsync<ArgumentException>();
        await store.Invoking(s => s.GetEventsAsync([null!], None)).Should().ThrowAsync<ArgumentException>();
        await store.Invoking(s => s.GetEventIdForTransactionAsync(new ClientTransactionKey("@a:b", "", "t"), None)).Should().ThrowAsync<ArgumentException>();
        (await store.GetRoomAsync(room.RoomId, None)).Should().BeNull();
    }
}

public sealed class SqliteRoomEventStoreTests(SqliteBackendFixture fixture) : RoomEventStoreTests<SqliteBackendFixture>(fixture);

public sealed class PostgresRoomEventStoreTests(PostgresBackendFixture fixture) : RoomEventStoreTests<PostgresBackendFixture>(fixture);
