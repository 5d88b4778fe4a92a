using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.History;
using Homeserver.Federation.Json;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Transport;
using Homeserver.Storage.Events;
using Homeserver.Tests.ClientApi.Sync;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;
using static Homeserver.Tests.ClientApi.Sync.SyncTestRooms;

namespace Homeserver.Tests.ServerApi.History;

/// <summary>
/// A room created on another server and joined by a local user holds only its recent events here:
/// paging back in <c>/messages</c> fetches the older ones with <c>/backfill</c> (from a prepared
/// history served by a fake federation client), checks them, and stores them before all held history,
/// never as new events for <c>/sync</c>.
/// </summary>
public sealed class BackfillTests : IDisposable
{
    private const int Messages = 70;
    private static readonly RoomVersion Version = RoomVersionRegistry.Default;
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly TestHost _host = new();
    private readonly TestRemoteServer _remote = new("remote.test");
    private readonly PreparedHistoryServer _history = new(Version);
    private readonly string _bob = "@bob:remote.test";
    private readonly string _alice = $"@alice:{TestHost.ServerName}";

    public BackfillTests()
    {
        _host.ConfigureServices = services => services.AddSingleton<IFederationClient>(_history);
        _host.RemoteKeys.Add(_remote.Name, _remote.Key);
    }

    public void Dispose()
    {
        _host.Dispose();
        _remote.Dispose();
    }

    private IRoomEventStore Store => _host.Services.GetRequiredService<IRoomEventStore>();

    /// <summary>
    /// Bob's room on remote.test: create, join, power levels, join rules, history visibility, 70
    /// messages, Alice's join (built by this server), one more message. This server holds Alice's join
    /// and what follows, and, as outliers, the state at the join except the power levels (fetched
    /// with <c>/event_auth</c> when the first backfilled event needs it).
    /// </summary>
    private async Task<(Pdu AliceJoin, Pdu Last)> RemoteRoomJoinedHereAsync()
    {
        var remoteBuilder = new LocalEventBuilder(new ServerIdentity(_remote.Name, _remote.Key), TimeProvider.System);
        var localBuilder = _host.Services.GetRequiredService<LocalEventBuilder>();
        _history.Add(remoteBuilder, "m.room.create", _bob, new JsonObject());
        _history.Add(remoteBuilder, "m.room.member", _bob, new JsonObject { ["membership"] = "join" }, _bob);
        _history.Add(remoteBuilder, "m.room.power_levels", _bob, new JsonObject(), "");
        _history.Add(remoteBuilder, "m.room.join_rules", _bob, new JsonObject { ["join_rule"] = "public" }, "");
        _history.Add(remoteBuilder, "m.room.history_visibility", _bob, new JsonObject { ["history_visibility"] = "shared" }, "");
        for (var i = 1; i <= Messages; i++)
            _history.Add(remoteBuilder, "m.room.message", _bob, new JsonObject { ["msgtype"] = "m.text", ["body"] = $"m{i}" });
        var aliceJoin = _history.Add(localBuilder, "m.room.member", _alice, new JsonObject { ["membership"] = "join" }, _alice);
        var last = _history.Add(remoteBuilder, "m.room.message", _bob, new JsonObject { ["msgtype"] = "m.text", ["body"] = "after" });

        var outliers = _history.StateBefore(aliceJoin.EventId).Values.Where(p => p.Type != "m.room.power_levels")
            .Select(p => ToPersist(p, null)).ToList();
        await Store.PersistOutliersAsync(outliers, None);
        var timeline = new List<EventToPersist> { ToPersist(aliceJoin, _history.StateBefore(aliceJoin.EventId)), ToPersist(last, _history.StateBefore(last.EventId)) };
        await Store.PersistAsync(new RoomEventBatch(_history.RoomId, timeline, [], [last.EventId], StateIds(_history.State),
            new NewRoom(Version.Id, _bob, _history.Chain[0].EventId)), None);
        return (aliceJoin, last);
    }

    [Fact]
    public async Task Messages_pages_back_through_backfilled_history_in_order_and_sync_never_shows_it()
    {
        var (aliceJoin, last) = await RemoteRoomJoinedHereAsync();
        var roomId = _history.RoomId;
        var token = await _host.AddTokenAsync(_alice, "DEVICE");
        var rooms = new SyncTestRooms(_host);
        var initial = await rooms.SyncAsync(token);
        SyncTestRooms.Ids(TimelineOf(initial, roomId)).Should().Equal(aliceJoin.EventId, last.EventId);
        var currentBefore = await Store.GetCurrentStateAsync(roomId, None);

        var seen = new List<JsonObject>();
        var page = await rooms.MessagesAsync(token, roomId, "dir=b&limit=20");
        for (var pages = 1; ; pages++)
        {
            seen.AddRange(page["chunk"]!.AsArray().Select(e => e!.AsObject()));
            if (page["end"] is null) break;
            pages.Should().BeLessThan(20);
            page = await rooms.MessagesAsync(token, roomId, $"dir=b&limit=20&from={Q((string)page["end"]!)}");
        }

        var expected = _history.Chain.Select(p => p.EventId).Reverse().ToList();
        seen.Select(e => (string)e["event_id"]!).Should().Equal(expected, "every event, newest first, once");
        Bodies(new JsonArray([.. seen.Select(e => (JsonNode)e.DeepClone())])).Should()
            .Equal(new[] { "after" }.Concat(Enumerable.Range(1, Messages).Reverse().Select(i => $"m{i}")));

        var requests = _history.Requests.ToList();
        requests.Where(r => r.Contains("/backfill/")).Should().HaveCountGreaterThanOrEqualTo(2, "70 messages take two pages of backfill");
        requests.First(r => r.Contains("/backfill/")).Should().Contain("v=" + Uri.EscapeDataString(_history.Chain[^3].EventId));
        requests.Should().Contain(r => r.Contains("/event_auth/"), "the power levels were not held here");
        requests.Should().Contain(r => r.Contains("/state_ids/"), "the state before the oldest event of the first page");

        // Nothing of it is new for sync, and the room's head did not move.
        var incremental = await rooms.SyncAsync(token, $"since={Q((string)initial["next_batch"]!)}&timeout=0");
        (incremental["rooms"]?["join"]?[roomId]?["timeline"]?["events"]?.AsArray() ?? []).Should().BeEmpty();
        (await Store.GetForwardExtremitiesAsync(roomId, None)).Should().Equal(last.EventId);
        (await Store.GetCurrentStateAsync(roomId, None)).Should().BeEquivalentTo(currentBefore);

        // Forwards from the start the history reads oldest first, and state at a backfilled event is known.
        var forwards = await rooms.MessagesAsync(token, roomId, "dir=f&limit=3");
        SyncTestRooms.Ids(forwards["chunk"]!.AsArray()).Should().Equal(_history.Chain.Take(3).Select(p => p.EventId));
        var m10 = _history.Chain[4 + 10];
        (await Store.GetStateBeforeAsync(m10.EventId, None)).Should().BeEquivalentTo(StateIds(_history.StateBefore(m10.EventId)));
        (await _host.Services.GetRequiredService<Homeserver.Storage.Events.IRoomBackfillStore>().GetBackwardExtremitiesAsync(roomId, 5, None))
            .Should().BeEmpty();
    }

    [Fact]
    public async Task Backfilled_events_with_bad_signatures_are_dropped_and_nothing_is_asked_when_history_is_complete()
    {
        await RemoteRoomJoinedHereAsync();
        var pipeline = _host.Services.GetRequiredService<RoomEventPipeline>();
        var source = new FederationBackfillSource(_history, _remote.Name);
        var forged = _history.Chain[^3].Json.DeepClone().AsObject();
        forged["signatures"]![_remote.Name]!.AsObject().Clear();
        forged["signatures"]![_remote.Name]!["ed25519:x"] = "AAAA";
        var result = await pipeline.BackfillAsync(_history.RoomId, Version, [forged], source, None);
        result.Stored.Should().Be(0);
        result.Dropped.Should().ContainSingle().Which.Reason.Should().Contain("signature");

        // A room created here has its whole history: /messages does not ask anyone.
        var rooms = new SyncTestRooms(_host);
        var (user, token) = await rooms.NewUserAsync();
        var local = await rooms.CreateRoomAsync(user);
        var before = _history.Requests.Count;
        (await rooms.MessagesAsync(token, local, "dir=b&limit=50"))["chunk"]!.AsArray().Should().HaveCount(4);
        _history.Requests.Count.Should().Be(before);
    }

    [Fact]
    public async Task An_unreachable_server_leaves_the_held_history_and_is_not_asked_again_at_once()
    {
        var (aliceJoin, last) = await RemoteRoomJoinedHereAsync();
        var token = await _host.AddTokenAsync(_alice, "DEVICE");
        var rooms = new SyncTestRooms(_host);
        _history.Unreachable = true;

        var page = await rooms.MessagesAsync(token, _history.RoomId, "dir=b&limit=20");
        SyncTestRooms.Ids(page["chunk"]!.AsArray()).Should().Equal(last.EventId, aliceJoin.EventId);
        page["end"].Should().BeNull();
        _history.Requests.Should().ContainSingle();

        _history.Unreachable = false;
        await rooms.MessagesAsync(token, _history.RoomId, "dir=b&limit=20");
        _history.Requests.Should().ContainSingle("a fruitless backfill is not retried at once");

        _host.Time.Advance(RoomBackfiller.RetryAfterNothing + TimeSpan.FromSeconds(1));
        var later = await rooms.MessagesAsync(token, _history.RoomId, "dir=b&limit=20");
        later["chunk"]!.AsArray().Should().HaveCount(20);
    }

    private static StateMap StateIds(IReadOnlyDictionary<TypeStateKey, Pdu> state)
    {
        var map = new StateMap();
        foreach (var (key, pdu) in state) map[(key.Type, key.StateKey)] = pdu.EventId;
        return map;
    }

    private static EventToPersist ToPersist(Pdu pdu, IReadOnlyDictionary<TypeStateKey, Pdu>? stateBefore) => new(
        pdu.EventId, pdu.RoomId, pdu.Type, pdu.StateKey, pdu.Sender, pdu.Depth, pdu.OriginServerTs, CanonicalJson.Encode(pdu.Json),
        pdu.PrevEvents, pdu.AuthEvents, pdu.Redacts, IsOutlier: stateBefore is null, RejectionReason: null, IsSoftFailed: false,
        StateBefore: stateBefore is null ? null : StateIds(stateBefore),
        Membership: pdu.Type == "m.room.member" ? (string?)pdu.Content["membership"] : null);
}
