using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;
using Homeserver.Storage.Events;
using Microsoft.Extensions.Logging.Abstractions;
using static Homeserver.Tests.Rooms.PipelineHarness;

namespace Homeserver.Tests.Rooms;

/// <summary>Events that come with another server's state: joins of remote rooms and events after a gap.</summary>
public abstract partial class RoomEventPipelineTests
{
    /// <summary>The pipeline of <c>b.test</c> (Bob's server) over the store under test, knowing <c>a.test</c>'s key.</summary>
    private async Task<(RoomEventPipeline Pipeline, IRoomEventStore Store)> JoinerAsync()
    {
        var store = await CreateStoreAsync();
        var identity = new ServerIdentity(RemoteServer, KeyOf(RemoteServer));
        var keys = new FixedServerKeys(new Dictionary<string, IReadOnlyList<VerifyKey>>
        {
            [LocalServer] = [VerifyKey.FromSigningKey(KeyOf(LocalServer))],
        });
        var options = new RoomEventPipelineOptions();
        var pipeline = new RoomEventPipeline(store, keys, identity, new InProcessRoomEventNotifier(),
            new LocalEventBuilder(identity, TimeProvider.System), new PduCache(options.PduCacheSize), options, NullLogger<RoomEventPipeline>.Instance);
        return (pipeline, store);
    }

    /// <summary>What a resident server's send_join answers: the state before the join and its auth chain, as JSON.</summary>
    private static async Task<(List<JsonObject> State, List<JsonObject> AuthChain)> SendJoinAnswerAsync(PipelineHarness resident, string roomId,
        RoomVersion version)
    {
        var state = await resident.Store.GetCurrentStateAsync(roomId, CancellationToken.None);
        var chain = await resident.Store.GetAuthChainAsync(state.Values.ToList(), CancellationToken.None);
        var stateJson = new List<JsonObject>();
        foreach (var id in state.Values) stateJson.Add((await resident.EventAsync(id, version)).Json);
        var chainJson = new List<JsonObject>();
        foreach (var id in chain) chainJson.Add((await resident.EventAsync(id, version)).Json);
        return (stateJson, chainJson);
    }

    [SkippableTheory]
    [MemberData(nameof(Versions))]
    public async Task A_remote_room_is_joined_from_the_state_a_resident_server_returns(string versionId)
    {
        var version = RoomVersionRegistry.Find(versionId)!;
        var resident = new PipelineHarness(new InMemoryRoomEventStore());
        var roomId = await resident.CreateRoomAsync(version);
        (await resident.MessageAsync(roomId, "before Bob")).IsAccepted.Should().BeTrue();
        var join = await resident.BuildRemoteAsync(roomId, "m.room.member", Bob, Membership("join"), Bob);
        var (state, authChain) = await SendJoinAnswerAsync(resident, roomId, version);
        var (joiner, store) = await JoinerAsync();

        var result = await joiner.JoinRemoteRoomAsync(join, state, authChain, CancellationToken.None);

        result.Outcome.Should().Be(RoomEventOutcome.Accepted, result.Reason);
        (await store.GetRoomAsync(roomId, CancellationToken.None))!.RoomVersion.Should().Be(versionId);
        var current = await store.GetCurrentStateAsync(roomId, CancellationToken.None);
        current[("m.room.member", Bob)].Should().Be(join.EventId);
        current[("m.room.member", Alice)].Should().NotBeNull();
        (await store.GetForwardExtremitiesAsync(roomId, CancellationToken.None)).Should().Equal(join.EventId);
        (await store.GetUsersInRoomAsync(roomId, "join", CancellationToken.None)).Should().BeEquivalentTo([Alice, Bob]);
        var create = await store.GetEventAsync((await store.GetRoomAsync(roomId, CancellationToken.None))!.CreateEventId, CancellationToken.None);
        create!.IsOutlier.Should().BeTrue();

        // Bob's server can now send in the room, and the resident accepts it after the join.
        var message = await joiner.SendAsync(new LocalEventDraft(roomId, "m.room.message", null, Bob, new JsonObject { ["body"] = "hi" }), null,
            CancellationToken.None);
        message.Outcome.Should().Be(RoomEventOutcome.Accepted, message.Reason);
        (await resident.ReceiveAsync(join)).Outcome.Should().Be(RoomEventOutcome.Accepted);
        var sent = StoredPduLoader.FromRecord((await store.GetEventAsync(message.EventId!, CancellationToken.None))!, version).Pdu;
        (await resident.ReceiveAsync(sent)).Outcome.Should().Be(RoomEventOutcome.Accepted);
    }

    [SkippableFact]
    public async Task A_join_the_returned_state_does_not_allow_stores_nothing()
    {
        var version = RoomVersion.V10;
        var resident = new PipelineHarness(new InMemoryRoomEventStore());
        var roomId = await resident.CreateRoomAsync(version);
        (await resident.SendAsync(roomId, "m.room.join_rules", new JsonObject { ["join_rule"] = "invite" }, "")).IsAccepted.Should().BeTrue();
        var join = await resident.BuildRemoteAsync(roomId, "m.room.member", Bob, Membership("join"), Bob);
        var (state, authChain) = await SendJoinAnswerAsync(resident, roomId, version);
        var (joiner, store) = await JoinerAsync();

        var result = await joiner.JoinRemoteRoomAsync(join, state, authChain, CancellationToken.None);

        result.Outcome.Should().Be(RoomEventOutcome.Rejected);
        (await store.GetRoomAsync(roomId, CancellationToken.None)).Should().BeNull();
        (await store.GetEventAsync(join.EventId, CancellationToken.None)).Should().BeNull();
    }

    [SkippableFact]
    public async Task State_events_with_bad_signatures_are_left_out_and_without_a_create_event_nothing_is_stored()
    {
        var version = RoomVersion.V11;
        var resident = new PipelineHarness(new InMemoryRoomEventStore());
        var roomId = await resident.CreateRoomAsync(version);
        var join = await resident.BuildRemoteAsync(roomId, "m.room.member", Bob, Membership("join"), Bob);
        var (state, authChain) = await SendJoinAnswerAsync(resident, roomId, version);
        foreach (var ev in state.Concat(authChain).Where(e => (string?)e["type"] == "m.room.create"))
            ev["signatures"]![LocalServer]!["ed25519:k1"] = "AAAA" + ev["signatures"]![LocalServer]!["ed25519:k1"]!.GetValue<string>()[4..];
        var (joiner, store) = await JoinerAsync();

        var result = await joiner.JoinRemoteRoomAsync(join, state, authChain, CancellationToken.None);

        result.Outcome.Should().NotBe(RoomEventOutcome.Accepted);
        (await store.GetRoomAsync(roomId, CancellationToken.None)).Should().BeNull();
    }

    [SkippableTheory]
    [MemberData(nameof(Versions))]
    public async Task An_event_after_a_gap_is_stored_with_the_state_another_server_reports(string versionId)
    {
        var version = RoomVersionRegistry.Find(versionId)!;
        var h = await HarnessAsync();
        var roomId = await h.CreateRoomAsync(version);
        var join = await h.BuildRemoteAsync(roomId, "m.room.member", Bob, Membership("join"), Bob);
        var stateAfterJoin = new Dictionary<TypeStateKey, Pdu>();
        foreach (var ((t, k), id) in await h.CurrentStateAsync(roomId)) stateAfterJoin[new TypeStateKey(t, k)] = await h.EventAsync(id, version);
        stateAfterJoin[new TypeStateKey("m.room.member", Bob)] = join;
        var first = h.RemoteBuilder.Build(version, new LocalEventDraft(roomId, "m.room.message", null, Bob, new JsonObject { ["body"] = "1" }),
            [join], stateAfterJoin);
        var second = h.RemoteBuilder.Build(version, new LocalEventDraft(roomId, "m.room.message", null, Bob, new JsonObject { ["body"] = "2" }),
            [first], stateAfterJoin);
        (await h.ReceiveAsync(second)).Outcome.Should().Be(RoomEventOutcome.MissingEvents);

        var result = await h.Pipeline.ReceiveWithStateAsync(second.Json, version, stateAfterJoin.Values.Select(e => e.Json).ToList(), [],
            CancellationToken.None);

        result.Outcome.Should().Be(RoomEventOutcome.Accepted, result.Reason);
        (await h.CurrentStateAsync(roomId))[("m.room.member", Bob)].Should().Be(join.EventId);
        (await h.Store.GetEventAsync(join.EventId, CancellationToken.None))!.IsOutlier.Should().BeTrue();
        (await h.ExtremitiesAsync(roomId)).Should().Contain(second.EventId);
        (await h.Store.GetStateBeforeAsync(second.EventId, CancellationToken.None))![("m.room.member", Bob)].Should().Be(join.EventId);
    }

    [SkippableFact]
    public async Task A_built_event_is_not_stored_until_it_is_sent()
    {
        var h = await HarnessAsync();
        var roomId = await h.CreateRoomAsync(RoomVersion.V11);

        var built = await h.Pipeline.BuildAsync(new LocalEventDraft(roomId, "m.room.member", Bob, Alice,
            new JsonObject { ["membership"] = "invite" }), CancellationToken.None);

        built.Event.Should().NotBeNull(built.Failure?.Reason);
        (await h.Store.GetEventAsync(built.Event!.EventId, CancellationToken.None)).Should().BeNull();
        var sent = await h.Pipeline.SendBuiltAsync(built.Event, CancellationToken.None);
        sent.Outcome.Should().Be(RoomEventOutcome.Accepted, sent.Reason);
        sent.EventId.Should().Be(built.Event.EventId);
        (await h.CurrentStateAsync(roomId))[("m.room.member", Bob)].Should().Be(built.Event.EventId);

        var forbidden = await h.Pipeline.BuildAsync(new LocalEventDraft(roomId, "m.room.member", Carol, Bob,
            new JsonObject { ["membership"] = "invite" }), CancellationToken.None);
        forbidden.Event.Should().BeNull();
        forbidden.Failure!.Outcome.Should().Be(RoomEventOutcome.Dropped);
    }

    [SkippableFact]
    public async Task A_restricted_join_counts_only_when_the_authorising_users_server_signed_it()
    {
        var version = RoomVersion.V10;
        var h = await HarnessAsync();
        var roomId = await h.CreateRoomAsync(version);
        (await h.SendAsync(roomId, "m.room.join_rules", new JsonObject
        {
            ["join_rule"] = "restricted",
            ["allow"] = new JsonArray(new JsonObject { ["type"] = "m.room_membership", ["room_id"] = "!other:a.test" }),
        }, "")).IsAccepted.Should().BeTrue();
        var content = new JsonObject { ["membership"] = "join", ["join_authorised_via_users_server"] = Alice };
        var join = await h.BuildRemoteAsync(roomId, "m.room.member", Bob, content, Bob);

        var unsigned = await h.ReceiveAsync(join);

        unsigned.Outcome.Should().Be(RoomEventOutcome.Dropped);
        unsigned.Reason.Should().Contain("join_authorised_via_users_server");
        var cosigned = join.Json.DeepClone().AsObject();
        EventSigner.SignPdu(cosigned, version, LocalServer, KeyOf(LocalServer));
        (await h.ReceiveJsonAsync(cosigned, version)).Outcome.Should().Be(RoomEventOutcome.Accepted);
    }
}
