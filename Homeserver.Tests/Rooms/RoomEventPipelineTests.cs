using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Json;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.StateResolution;
using Homeserver.Storage.Events;
using Homeserver.Tests.Storage;
using static Homeserver.Tests.Rooms.PipelineHarness;

namespace Homeserver.Tests.Rooms;

/// <summary>The room event pipeline end to end over a store; subclasses choose the store.</summary>
public abstract partial class RoomEventPipelineTests
{
    private protected abstract Task<IRoomEventStore> CreateStoreAsync();

    private async Task<PipelineHarness> HarnessAsync(RoomEventPipelineOptions? options = null) => new(await CreateStoreAsync(), options);

    public static TheoryData<string> Versions => new() { "1", "6", "10", "11", "12" };

    private static JsonObject Topic(string topic) => new() { ["topic"] = topic };
    private static JsonObject Membership(string membership) => new() { ["membership"] = membership };

    [SkippableTheory]
    [MemberData(nameof(Versions))]
    public async Task A_created_room_has_its_initial_state_and_a_linear_graph(string versionId)
    {
        var h = await HarnessAsync();
        var version = RoomVersionRegistry.Find(versionId)!;
        var roomId = await h.CreateRoomAsync(version);
        var message = await h.MessageAsync(roomId, "hello");

        message.Outcome.Should().Be(RoomEventOutcome.Accepted);
        var room = (await h.Store.GetRoomAsync(roomId, CancellationToken.None))!;
        room.RoomVersion.Should().Be(versionId);
        room.CreatorUserId.Should().Be(Alice);
        if (version.Rules.RoomIdIsCreateEventHash) roomId.Should().Be(EventIds.RoomIdFromCreateEventId(room.CreateEventId));
        else roomId.Should().StartWith("!").And.EndWith(":" + LocalServer);

        var state = await h.CurrentStateAsync(roomId);
        state.Keys.Should().BeEquivalentTo(new[]
        {
            ("m.room.create", ""), ("m.room.member", Alice), ("m.room.power_levels", ""), ("m.room.join_rules", ""),
        });
        state[("m.room.create", "")].Should().Be(room.CreateEventId);
        (await h.ExtremitiesAsync(roomId)).Should().Equal(message.EventId);

        // Each event points at the one before, one deeper, with the auth events the selection names.
        var msg = await h.EventAsync(message.EventId!, version);
        msg.PrevEvents.Should().Equal(state[("m.room.join_rules", "")]);
        var joinRules = await h.EventAsync(msg.PrevEvents[0], version);
        msg.Depth.Should().Be(joinRules.Depth + 1);
        var expectedAuth = new List<string> { state[("m.room.power_levels", "")], state[("m.room.member", Alice)] };
        if (version.Rules.CreateEventInAuthEvents) expectedAuth.Add(room.CreateEventId);
        msg.AuthEvents.Should().BeEquivalentTo(expectedAuth);
        (await h.Store.GetEventAsync(message.EventId!, CancellationToken.None))!.StreamOrdering.Should().Be(message.StreamOrdering);
    }

    [SkippableFact]
    public async Task A_local_event_the_rules_forbid_is_refused_and_not_stored()
    {
        var h = await HarnessAsync();
        var roomId = await h.CreateRoomAsync(RoomVersion.V11);
        var before = await h.ExtremitiesAsync(roomId);

        var result = await h.MessageAsync(roomId, "I am not in this room", sender: "@mallory:a.test");

        result.Outcome.Should().Be(RoomEventOutcome.Rejected);
        result.Rule.Should().NotBeNullOrEmpty();
        result.Reason.Should().NotBeNullOrEmpty();
        (await h.Store.GetEventAsync(result.EventId!, CancellationToken.None)).Should().BeNull();
        (await h.ExtremitiesAsync(roomId)).Should().Equal(before);
    }

    [SkippableFact]
    public async Task Only_local_users_can_send_through_this_server()
    {
        var h = await HarnessAsync();
        var roomId = await h.CreateRoomAsync(RoomVersion.V12);

        var result = await h.MessageAsync(roomId, "forged", sender: Bob);

        result.Outcome.Should().Be(RoomEventOutcome.Dropped);
        result.Reason.Should().Contain(Bob);
    }

    [SkippableFact]
    public async Task Sending_to_an_unknown_room_says_so()
    {
        var h = await HarnessAsync();

        var result = await h.MessageAsync("!nowhere:a.test", "hello");

        result.Outcome.Should().Be(RoomEventOutcome.MissingEvents);
        result.Reason.Should().Contain("!nowhere:a.test");
    }

    [SkippableTheory]
    [MemberData(nameof(Versions))]
    public async Task A_fork_of_remote_events_is_resolved_and_merged_by_the_next_local_event(string versionId)
    {
        var h = await HarnessAsync();
        var version = RoomVersionRegistry.Find(versionId)!;
        var roomId = await h.CreateRoomAsync(version);
        (await h.ReceiveAsync(await h.BuildRemoteAsync(roomId, "m.room.member", Bob, Membership("join"), Bob))).Outcome
            .Should().Be(RoomEventOutcome.Accepted);
        var forkPoint = (await h.ExtremitiesAsync(roomId)).Single();

        // Two topics built concurrently on the same extremity.
        var left = await h.BuildRemoteAsync(roomId, "m.room.topic", Bob, Topic("left"), "", [forkPoint]);
        var right = await h.BuildRemoteAsync(roomId, "m.room.topic", Bob, Topic("right"), "", [forkPoint]);
        (await h.ReceiveAsync(left)).Outcome.Should().Be(RoomEventOutcome.Accepted);
        (await h.ReceiveAsync(right)).Outcome.Should().Be(RoomEventOutcome.Accepted);

        (await h.ExtremitiesAsync(roomId)).Should().BeEquivalentTo([left.EventId, right.EventId]);
        var expected = await ResolveAsync(h, version, [left.EventId, right.EventId]);
        var current = await h.CurrentStateAsync(roomId);
        current.Should().BeEquivalentTo(expected);
        current[("m.room.topic", "")].Should().BeOneOf(left.EventId, right.EventId);

        // A message continuing one branch keeps the fork and its resolved state.
        var onLeft = await h.BuildRemoteAsync(roomId, "m.room.message", Bob, new JsonObject { ["body"] = "on the left" }, null, [left.EventId]);
        (await h.ReceiveAsync(onLeft)).Outcome.Should().Be(RoomEventOutcome.Accepted);
        (await h.ExtremitiesAsync(roomId)).Should().BeEquivalentTo([onLeft.EventId, right.EventId]);
        (await h.CurrentStateAsync(roomId)).Should().BeEquivalentTo(await ResolveAsync(h, version, [onLeft.EventId, right.EventId]));
        (await h.CurrentStateAsync(roomId)).Should().BeEquivalentTo(expected);

        var merge = await h.MessageAsync(roomId, "merged");
        merge.Outcome.Should().Be(RoomEventOutcome.Accepted);
        (await h.EventAsync(merge.EventId!, version)).PrevEvents.Should().BeEquivalentTo([onLeft.EventId, right.EventId]);
        (await h.ExtremitiesAsync(roomId)).Should().Equal(merge.EventId);
        (await h.CurrentStateAsync(roomId)).Should().BeEquivalentTo(expected);
        (await h.Store.GetStateBeforeAsync(merge.EventId!, CancellationToken.None)).Should().BeEquivalentTo(expected);
    }

    /// <summary>State resolution over the after-states of the given events, computed independently of the pipeline.</summary>
    private static async Task<Dictionary<(string, string), string>> ResolveAsync(PipelineHarness h, RoomVersion version, string[] eventIds)
    {
        var sets = new List<IReadOnlyDictionary<TypeStateKey, string>>();
        foreach (var id in eventIds)
            sets.Add((await h.Store.GetStateAfterAsync(id, CancellationToken.None))!
                .ToDictionary(p => new TypeStateKey(p.Key.Type, p.Key.StateKey), p => p.Value));
        var ids = sets.SelectMany(s => s.Values).ToHashSet();
        ids.UnionWith(await h.Store.GetAuthChainAsync(ids, CancellationToken.None));
        var events = new Dictionary<string, Pdu>();
        foreach (var id in ids) events[id] = await h.EventAsync(id, version);
        var resolved = StateResolver.Resolve(version, sets, id => events.GetValueOrDefault(id), EventAuthorizer.Default.Check);
        return resolved.ToDictionary(p => (p.Key.Type, p.Key.StateKey), p => p.Value);
    }

    [SkippableTheory]
    [MemberData(nameof(Versions))]
    public async Task A_rejected_remote_event_is_stored_as_rejected_and_never_enters_state(string versionId)
    {
        var h = await HarnessAsync();
        var version = RoomVersionRegistry.Find(versionId)!;
        var roomId = await h.CreateRoomAsync(version);
        var stateBefore = await h.CurrentStateAsync(roomId);
        var extremitiesBefore = await h.ExtremitiesAsync(roomId);

        // Carol never joined: her state event fails the auth rules.
        var intruder = await h.BuildRemoteAsync(roomId, "m.room.name", Carol, new JsonObject { ["name"] = "mine" }, "");
        var result = await h.ReceiveAsync(intruder);

        result.Outcome.Should().Be(RoomEventOutcome.Rejected);
        result.Rule.Should().NotBeNullOrEmpty();
        var stored = (await h.Store.GetEventAsync(intruder.EventId, CancellationToken.None))!;
        stored.IsRejected.Should().BeTrue();
        (await h.CurrentStateAsync(roomId)).Should().BeEquivalentTo(stateBefore);
        (await h.ExtremitiesAsync(roomId)).Should().Equal(extremitiesBefore);
        (await h.Store.GetStateAfterAsync(intruder.EventId, CancellationToken.None)).Should().NotContainKey(("m.room.name", ""));

        // A later event is built past it, never on it.
        var next = await h.MessageAsync(roomId, "after");
        (await h.EventAsync(next.EventId!, version)).PrevEvents.Should().NotContain(intruder.EventId);
    }

    [SkippableTheory]
    [MemberData(nameof(Versions))]
    public async Task An_event_that_only_the_current_state_forbids_is_soft_failed(string versionId)
    {
        var h = await HarnessAsync();
        var version = RoomVersionRegistry.Find(versionId)!;
        var roomId = await h.CreateRoomAsync(version);
        (await h.ReceiveAsync(await h.BuildRemoteAsync(roomId, "m.room.member", Bob, Membership("join"), Bob))).Outcome
            .Should().Be(RoomEventOutcome.Accepted);
        var bobJoined = (await h.ExtremitiesAsync(roomId)).Single();
        var ban = await h.SendAsync(roomId, "m.room.member", Membership("ban"), Bob);
        ban.Outcome.Should().Be(RoomEventOutcome.Accepted);

        // Bob's server pretends not to have seen the ban.
        var evading = await h.BuildRemoteAsync(roomId, "m.room.topic", Bob, Topic("still here"), "", [bobJoined]);
        var result = await h.ReceiveAsync(evading);

        result.Outcome.Should().Be(RoomEventOutcome.SoftFailed);
        var stored = (await h.Store.GetEventAsync(evading.EventId, CancellationToken.None))!;
        stored.IsSoftFailed.Should().BeTrue();
        stored.IsRejected.Should().BeFalse();
        (await h.ExtremitiesAsync(roomId)).Should().Equal(ban.EventId);
        (await h.CurrentStateAsync(roomId)).Should().NotContainKey(("m.room.topic", ""));
        (await h.CurrentStateAsync(roomId))[("m.room.member", Bob)].Should().Be(ban.EventId);
    }

    [SkippableTheory]
    [MemberData(nameof(Versions))]
    public async Task A_remote_event_with_a_bad_signature_is_dropped(string versionId)
    {
        var h = await HarnessAsync();
        var roomId = await h.CreateRoomAsync(RoomVersionRegistry.Find(versionId)!);
        var join = await h.BuildRemoteAsync(roomId, "m.room.member", Bob, Membership("join"), Bob);
        var json = join.Json.DeepClone().AsObject();
        var signatures = json["signatures"]![RemoteServer]!.AsObject();
        var keyId = signatures.Single().Key;
        var signature = signatures[keyId]!.GetValue<string>();
        signatures[keyId] = (signature[0] == 'A' ? "B" : "A") + signature[1..];

        var result = await h.ReceiveJsonAsync(json, join.RoomVersion);

        result.Outcome.Should().Be(RoomEventOutcome.Dropped);
        result.Reason.Should().Contain("signature");
        (await h.Store.GetEventAsync(join.EventId, CancellationToken.None)).Should().BeNull();
    }

    [SkippableFact]
    public async Task A_remote_event_signed_with_an_unknown_key_is_dropped()
    {
        var h = await HarnessAsync();
        var roomId = await h.CreateRoomAsync(RoomVersion.V12);
        var dave = "@dave:c.test";
        var version = await h.VersionOfAsync(roomId);
        var builder = new LocalEventBuilder(new ServerIdentity("c.test", KeyOf("c.test")), TimeProvider.System);
        var prev = await h.EventAsync((await h.ExtremitiesAsync(roomId)).Single(), version);
        var join = builder.Build(version, new LocalEventDraft(roomId, "m.room.member", dave, dave, Membership("join")), [prev],
            new Dictionary<TypeStateKey, Pdu>());

        (await h.ReceiveAsync(join)).Outcome.Should().Be(RoomEventOutcome.Dropped);
    }

    [SkippableTheory]
    [MemberData(nameof(Versions))]
    public async Task A_remote_event_whose_content_hash_does_not_match_is_processed_redacted(string versionId)
    {
        var h = await HarnessAsync();
        var roomId = await h.CreateRoomAsync(RoomVersionRegistry.Find(versionId)!);
        (await h.ReceiveAsync(await h.BuildRemoteAsync(roomId, "m.room.member", Bob, Membership("join"), Bob))).Outcome
            .Should().Be(RoomEventOutcome.Accepted);
        var message = await h.BuildRemoteAsync(roomId, "m.room.message", Bob, new JsonObject { ["msgtype"] = "m.text", ["body"] = "original" });
        var tampered = message.Json.DeepClone().AsObject();
        tampered["content"]!["body"] = "tampered"; // the signature covers the redacted form only; the content hash catches this

        var result = await h.ReceiveJsonAsync(tampered, message.RoomVersion);

        result.Outcome.Should().Be(RoomEventOutcome.Accepted);
        result.EventId.Should().Be(message.EventId);
        var stored = JsonNode.Parse((await h.Store.GetEventAsync(message.EventId, CancellationToken.None))!.Json)!;
        stored["content"]!.AsObject().Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Malformed_remote_bytes_are_dropped()
    {
        var h = await HarnessAsync();

        var result = await h.Pipeline.ReceiveAsync("{\"type\": 1}"u8, RoomVersion.V11, CancellationToken.None);

        result.Outcome.Should().Be(RoomEventOutcome.Dropped);
        result.Reason.Should().StartWith("invalid event");
    }

    [SkippableFact]
    public async Task A_remote_event_with_unknown_prev_events_is_not_stored()
    {
        var h = await HarnessAsync();
        var roomId = await h.CreateRoomAsync(RoomVersion.V10);
        var join = await h.BuildRemoteAsync(roomId, "m.room.member", Bob, Membership("join"), Bob);
        var message = h.RemoteBuilder.Build(join.RoomVersion,
            new LocalEventDraft(roomId, "m.room.message", null, Bob, new JsonObject { ["body"] = "x" }), [join],
            new Dictionary<TypeStateKey, Pdu>());

        var result = await h.ReceiveAsync(message);

        result.Outcome.Should().Be(RoomEventOutcome.MissingEvents);
        result.Reason.Should().Contain(join.EventId);
        (await h.Store.GetEventAsync(message.EventId, CancellationToken.None)).Should().BeNull();
    }

    [SkippableFact]
    public async Task A_remote_event_with_unknown_auth_events_is_not_stored()
    {
        var h = await HarnessAsync();
        var roomId = await h.CreateRoomAsync(RoomVersion.V6);
        var version = RoomVersion.V6;
        var join = await h.BuildRemoteAsync(roomId, "m.room.member", Bob, Membership("join"), Bob); // never received
        var extremity = await h.EventAsync((await h.ExtremitiesAsync(roomId)).Single(), version);
        var state = new Dictionary<TypeStateKey, Pdu> { [new TypeStateKey("m.room.member", Bob)] = join };
        var message = h.RemoteBuilder.Build(version, new LocalEventDraft(roomId, "m.room.message", null, Bob, new JsonObject { ["body"] = "x" }),
            [extremity], state);

        var result = await h.ReceiveAsync(message);

        result.Outcome.Should().Be(RoomEventOutcome.MissingEvents);
        result.Reason.Should().Contain("auth events").And.Contain(join.EventId);
        (await h.Store.GetEventAsync(message.EventId, CancellationToken.None)).Should().BeNull();
    }

    [SkippableFact]
    public async Task A_remote_event_received_twice_is_stored_once()
    {
        var h = await HarnessAsync();
        var roomId = await h.CreateRoomAsync(RoomVersion.V12);
        var join = await h.BuildRemoteAsync(roomId, "m.room.member", Bob, Membership("join"), Bob);

        var first = await h.ReceiveAsync(join);
        var second = await h.ReceiveAsync(join);

        first.Outcome.Should().Be(RoomEventOutcome.Accepted);
        second.Outcome.Should().Be(RoomEventOutcome.AlreadyKnown);
        second.StreamOrdering.Should().Be(first.StreamOrdering);
    }

    [SkippableFact]
    public async Task A_remote_event_stored_by_another_process_is_known_there_too()
    {
        var h = await HarnessAsync();
        var roomId = await h.CreateRoomAsync(RoomVersion.V12);
        var join = await h.BuildRemoteAsync(roomId, "m.room.member", Bob, Membership("join"), Bob);
        var message = h.RemoteBuilder.Build(RoomVersion.V12, new LocalEventDraft(roomId, "m.room.message", null, Bob, new JsonObject { ["body"] = "x" }),
            [join], new Dictionary<TypeStateKey, Pdu> { [new TypeStateKey("m.room.member", Bob)] = join });
        var first = await h.ReceiveAsync(join);
        var other = PipelineHarness.NewPipeline(h.Store, h.Notifier);

        // The other pipeline has not seen the join: it takes it for new, the store says otherwise, and it asks.
        var results = await Task.WhenAll(await other.ReceiveInOrderAsync([join.Json.DeepClone().AsObject(), message.Json.DeepClone().AsObject()],
            RoomVersion.V12, CancellationToken.None));

        results[0].Outcome.Should().Be(RoomEventOutcome.AlreadyKnown);
        results[0].StreamOrdering.Should().Be(first.StreamOrdering);
        results[1].Outcome.Should().Be(RoomEventOutcome.Accepted, results[1].Reason);
    }

    [SkippableFact]
    public async Task A_retried_client_transaction_returns_the_original_event()
    {
        var h = await HarnessAsync();
        var roomId = await h.CreateRoomAsync(RoomVersion.V12);
        var key = new ClientTransactionKey(Alice, "DEVICE", "txn1");

        var first = await h.MessageAsync(roomId, "once", transaction: key);
        var retried = await h.MessageAsync(roomId, "once", transaction: key);
        var otherDevice = await h.MessageAsync(roomId, "once", transaction: key with { DeviceId = "OTHER" });

        retried.Should().Be(first);
        otherDevice.EventId.Should().NotBe(first.EventId);
        (await h.Store.GetEventIdForTransactionAsync(key, CancellationToken.None)).Should().Be(first.EventId);
    }

    [SkippableFact]
    public async Task Concurrent_retries_of_one_client_transaction_produce_one_event()
    {
        var h = await HarnessAsync();
        var roomId = await h.CreateRoomAsync(RoomVersion.V12);
        var key = new ClientTransactionKey(Alice, "DEVICE", "burst");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => h.MessageAsync(roomId, "burst", transaction: key))));

        results.Select(r => r.EventId).Distinct().Should().ContainSingle();
        results.Should().OnlyContain(r => r.Outcome == RoomEventOutcome.Accepted);
    }

    [SkippableFact]
    public async Task Many_parallel_senders_produce_a_valid_graph_without_lost_events()
    {
        var h = await HarnessAsync();
        var roomId = await h.CreateRoomAsync(RoomVersion.V12);
        var version = RoomVersion.V12;
        const int senders = 6, perSender = 10;

        var results = (await Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(async () =>
        {
            var mine = new List<RoomEventResult>();
            for (var i = 0; i < perSender; i++)
                mine.Add(await h.MessageAsync(roomId, $"{s}/{i}", transaction: new ClientTransactionKey(Alice, $"D{s}", $"t{i}")));
            return mine;
        })))).SelectMany(r => r).ToList();

        results.Should().OnlyContain(r => r.Outcome == RoomEventOutcome.Accepted);
        results.Select(r => r.EventId).Should().OnlyHaveUniqueItems();
        results.Select(r => r.StreamOrdering).Should().OnlyHaveUniqueItems();
        await AssertValidGraphAsync(h, roomId, version, results);
        (await h.ExtremitiesAsync(roomId)).Should().ContainSingle();
    }

    [SkippableFact]
    public async Task Two_pipelines_sharing_a_store_retry_until_both_are_written()
    {
        var h = await HarnessAsync();
        var roomId = await h.CreateRoomAsync(RoomVersion.V11);
        var other = NewPipeline(h.Store, new InProcessRoomEventNotifier(), new RoomEventPipelineOptions { MaxAttempts = 50 });
        var pipelines = new[] { h.Pipeline, other };

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            pipelines[i % 2].SendAsync(new LocalEventDraft(roomId, "m.room.message", null, Alice, new JsonObject { ["body"] = $"{i}" }),
                null, CancellationToken.None))));

        results.Should().OnlyContain(r => r.Outcome == RoomEventOutcome.Accepted);
        await AssertValidGraphAsync(h, roomId, RoomVersion.V11, results);
    }

    /// <summary>Every event stored, its prev events stored earlier in the stream and shallower: a DAG in stream order.</summary>
    private static async Task AssertValidGraphAsync(PipelineHarness h, string roomId, RoomVersion version, IEnumerable<RoomEventResult> results)
    {
        foreach (var result in results.OrderBy(r => r.StreamOrdering))
        {
            var record = (await h.Store.GetEventAsync(result.EventId!, CancellationToken.None))!;
            record.StreamOrdering.Should().Be(result.StreamOrdering);
            var pdu = await h.EventAsync(result.EventId!, version);
            pdu.PrevEvents.Should().NotBeEmpty();
            foreach (var prevId in pdu.PrevEvents)
            {
                var prev = (await h.Store.GetEventAsync(prevId, CancellationToken.None))!;
                prev.StreamOrdering.Should().BeLessThan(record.StreamOrdering!.Value);
                prev.Depth.Should().BeLessThan(record.Depth);
            }
        }
        var all = results.Select(r => r.EventId!).ToList();
        (await h.Store.GetMissingEventIdsAsync(all, CancellationToken.None)).Should().BeEmpty();
        (await h.Store.GetEventsAsync(all, CancellationToken.None)).Should().OnlyContain(e => e.RoomId == roomId);
    }

    [SkippableFact]
    public async Task Waiters_are_woken_after_the_commit_with_its_stream_position()
    {
        var h = await HarnessAsync();
        var roomId = await h.CreateRoomAsync(RoomVersion.V12);
        var position = h.Notifier.CurrentPosition;
        RoomEventsCommitted? seen = null;
        h.Notifier.Committed += c => seen = c;

        var waiting = h.Notifier.WaitForPositionAfterAsync(position, TimeSpan.FromSeconds(30), CancellationToken.None);
        var sent = await h.MessageAsync(roomId, "wake up");

        (await waiting).Should().Be(sent.StreamOrdering);
        seen!.RoomId.Should().Be(roomId);
        seen.EventIds.Should().Contain(sent.EventId!);
        seen.MaxStreamOrdering.Should().Be(sent.StreamOrdering);
        seen.Senders.Should().NotBeNull().And.HaveSameCount(seen.EventIds);
        seen.Senders![seen.EventIds.ToList().IndexOf(sent.EventId!)].Should().Be((await h.Store.GetEventAsync(sent.EventId!, CancellationToken.None))!.Sender);
    }

    [SkippableFact]
    public async Task Idle_rooms_hold_no_queue()
    {
        var h = await HarnessAsync();
        await h.CreateRoomAsync(RoomVersion.V12);

        // The consumer removes the queue right after completing the last batch.
        for (var i = 0; i < 100 && h.Pipeline.ActiveRoomQueues > 0; i++) await Task.Delay(10);
        h.Pipeline.ActiveRoomQueues.Should().Be(0);
    }
}

public sealed class InMemoryRoomEventPipelineTests : RoomEventPipelineTests
{
    private protected override Task<IRoomEventStore> CreateStoreAsync() => Task.FromResult<IRoomEventStore>(new InMemoryRoomEventStore());
}

/// <summary>The pipeline tests on a real backend; the tests of a class share one migrated database (rooms are new in each test).</summary>
public abstract class DatabaseRoomEventPipelineTests<TFixture>(TFixture fixture) : RoomEventPipelineTests, IClassFixture<TFixture>
    where TFixture : BackendFixture
{
    private protected override async Task<IRoomEventStore> CreateStoreAsync() => new RoomEventStore(await fixture.GetSharedDatabaseAsync());
}

public sealed class SqliteRoomEventPipelineTests(SqliteBackendFixture fixture) : DatabaseRoomEventPipelineTests<SqliteBackendFixture>(fixture);

public sealed class PostgresRoomEventPipelineTests(PostgresBackendFixture fixture) : DatabaseRoomEventPipelineTests<PostgresBackendFixture>(fixture);
