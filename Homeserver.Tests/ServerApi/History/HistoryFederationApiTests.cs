using System.Text.Json.Nodes;
using Homeserver.Federation.History;
using Homeserver.Federation.RoomVersions;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ServerApi.History.HistoryHarness;

namespace Homeserver.Tests.ServerApi.History;

/// <summary>
/// The history endpoints of the Server-Server API, with signed requests from test remote servers:
/// a server with a member in the room is answered, one without is refused unless the room is world readable.
/// </summary>
public sealed class HistoryFederationApiTests(TestHost host) : IClassFixture<TestHost>
{
    private const string V1 = "/_matrix/federation/v1";
    private static readonly RoomVersion Version = RoomVersionRegistry.Default;
    private static readonly string UnknownEventId = "$" + new string('A', 43);
    private readonly HistoryHarness _h = new(host);

    [Fact]
    public async Task Event_is_served_to_a_server_in_the_room_and_refused_to_one_that_is_not()
    {
        var (creator, roomId) = await _h.RoomAsync("joined");
        var member = _h.NewRemote();
        var stranger = _h.NewRemote();
        await _h.JoinRemoteAsync(member, roomId);
        var message = await _h.Rooms.MessageAsync(roomId, creator, "hello");

        var served = await _h.OkAsync(member, $"{V1}/event/{P(message)}");
        ((string)served["origin"]!).Should().Be(TestHost.ServerName);
        served["origin_server_ts"]!.GetValue<long>().Should().BePositive();
        var pdu = served["pdus"]!.AsArray().Single()!.AsObject();
        ((string)pdu["content"]!["body"]!).Should().Be("hello");
        IdsOf(served["pdus"]!.AsArray(), Version).Should().Equal(message);

        await (await _h.GetAsync(stranger, $"{V1}/event/{P(message)}")).ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
        await (await _h.GetAsync(member, $"{V1}/event/{P(UnknownEventId)}")).ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
        await (await _h.GetAsync(member, $"{V1}/event/{P("not-an-id")}")).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
        var unsigned = await host.CreateClient().GetAsync($"{V1}/event/{P(message)}");
        ((int)unsigned.StatusCode).Should().Be(401);
    }

    [Fact]
    public async Task A_world_readable_room_is_served_to_any_server()
    {
        var (creator, roomId) = await _h.RoomAsync("world_readable");
        var stranger = _h.NewRemote();
        var message = await _h.Rooms.MessageAsync(roomId, creator, "for everyone");

        var served = await _h.OkAsync(stranger, $"{V1}/event/{P(message)}");
        ((string)served["pdus"]![0]!["content"]!["body"]!).Should().Be("for everyone");
        var backfill = await _h.OkAsync(stranger, $"{V1}/backfill/{P(roomId)}?v={Q(message)}&limit=2");
        backfill["pdus"]!.AsArray().Should().HaveCount(2);
        (await _h.OkAsync(stranger, $"{V1}/state_ids/{P(roomId)}?event_id={Q(message)}"))["pdu_ids"]!.AsArray().Should().NotBeEmpty();
    }

    [Fact]
    public async Task Events_from_before_a_server_joined_a_joined_only_room_are_served_redacted()
    {
        var (creator, roomId) = await _h.RoomAsync("joined");
        var secret = await _h.Rooms.MessageAsync(roomId, creator, "before you came");
        var late = _h.NewRemote();
        var user = await _h.JoinRemoteAsync(late, roomId);
        var after = await _h.Rooms.MessageAsync(roomId, creator, "after you came");

        var backfill = await _h.OkAsync(late, $"{V1}/backfill/{P(roomId)}?v={Q(after)}&limit=3");
        var pdus = backfill["pdus"]!.AsArray();
        IdsOf(pdus, Version).Should().Equal(after, IdOf(pdus, 1), secret);
        ((string)pdus[0]!["content"]!["body"]!).Should().Be("after you came");
        ((string)pdus[1]!["state_key"]!).Should().Be(user, "the server's own join is always visible");
        pdus[2]!["content"]!.AsObject().Should().BeEmpty("the server had no member joined when it was sent");

        var single = await _h.OkAsync(late, $"{V1}/event/{P(secret)}");
        single["pdus"]![0]!["content"]!.AsObject().Should().BeEmpty();
    }

    [Fact]
    public async Task Shared_history_is_visible_to_a_server_that_joined_later_and_invited_history_to_one_invited_at_the_event()
    {
        var (creator, shared) = await _h.RoomAsync("shared");
        var early = await _h.Rooms.MessageAsync(shared, creator, "early");
        var late = _h.NewRemote();
        await _h.JoinRemoteAsync(late, shared);
        var served = await _h.OkAsync(late, $"{V1}/event/{P(early)}");
        ((string)served["pdus"]![0]!["content"]!["body"]!).Should().Be("early");

        var (host2, invitedRoom) = await _h.RoomAsync("invited");
        var guest = _h.NewRemote();
        var beforeInvite = await _h.Rooms.MessageAsync(invitedRoom, host2, "before the invite");
        var invitee = $"@u:{guest.Name}";
        await _h.Rooms.MembershipAsync(invitedRoom, host2, invitee, "invite");
        var afterInvite = await _h.Rooms.MessageAsync(invitedRoom, host2, "after the invite");
        await _h.JoinRemoteAsync(guest, invitedRoom);

        var backfill = await _h.OkAsync(guest, $"{V1}/backfill/{P(invitedRoom)}?v={Q(afterInvite)}&limit=3");
        var pdus = backfill["pdus"]!.AsArray();
        IdsOf(pdus, Version).Should().Equal(afterInvite, IdOf(pdus, 1), beforeInvite);
        ((string)pdus[0]!["content"]!["body"]!).Should().Be("after the invite");
        pdus[2]!["content"]!.AsObject().Should().BeEmpty();
        await (await _h.GetAsync(guest, $"{V1}/backfill/{P("!unknown:test.example")}?v={Q(afterInvite)}&limit=3"))
            .ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task State_and_state_ids_give_the_state_before_the_event_with_its_auth_chain()
    {
        var (creator, roomId) = await _h.RoomAsync();
        var remote = _h.NewRemote();
        var user = await _h.JoinRemoteAsync(remote, roomId);
        var topic = await _h.Rooms.SendAsync(roomId, creator, "m.room.topic", new JsonObject { ["topic"] = "t" }, "");
        var current = await _h.Store.GetCurrentStateAsync(roomId, CancellationToken.None);

        var ids = await _h.OkAsync(remote, $"{V1}/state_ids/{P(roomId)}?event_id={Q(topic)}");
        var stateIds = ids["pdu_ids"]!.AsArray().Select(n => (string)n!).ToList();
        stateIds.Should().BeEquivalentTo(current.Where(e => e.Key.Type != "m.room.topic").Select(e => e.Value), "the state before the topic");
        var chainIds = ids["auth_chain_ids"]!.AsArray().Select(n => (string)n!).ToList();
        chainIds.Should().Contain(current[("m.room.power_levels", "")]);

        var full = await _h.OkAsync(remote, $"{V1}/state/{P(roomId)}?event_id={Q(topic)}");
        IdsOf(full["pdus"]!.AsArray(), Version).Should().BeEquivalentTo(stateIds);
        IdsOf(full["auth_chain"]!.AsArray(), Version).Should().BeEquivalentTo(chainIds);
        full["pdus"]!.AsArray().Should().Contain(p => (string?)p!["state_key"] == user);

        await (await _h.GetAsync(remote, $"{V1}/state_ids/{P(roomId)}")).ShouldBeMatrixErrorAsync(400, "M_MISSING_PARAM");
        await (await _h.GetAsync(remote, $"{V1}/state/{P("!unknown:test.example")}?event_id={Q(topic)}")).ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
        await (await _h.GetAsync(_h.NewRemote(), $"{V1}/state/{P(roomId)}?event_id={Q(topic)}")).ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Event_auth_gives_the_events_auth_chain()
    {
        var (creator, roomId) = await _h.RoomAsync();
        var remote = _h.NewRemote();
        await _h.JoinRemoteAsync(remote, roomId);
        var message = await _h.Rooms.MessageAsync(roomId, creator, "m");
        var expected = await _h.Store.GetAuthChainAsync([message], CancellationToken.None);

        var chain = await _h.OkAsync(remote, $"{V1}/event_auth/{P(roomId)}/{P(message)}");
        IdsOf(chain["auth_chain"]!.AsArray(), Version).Should().BeEquivalentTo(expected);
        expected.Should().Contain((await _h.Store.GetCurrentStateAsync(roomId, CancellationToken.None))[("m.room.power_levels", "")]);

        await (await _h.GetAsync(_h.NewRemote(), $"{V1}/event_auth/{P(roomId)}/{P(message)}")).ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
        await (await _h.GetAsync(remote, $"{V1}/event_auth/{P(roomId)}/{P(UnknownEventId)}")).ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Backfill_walks_back_from_the_given_events_deepest_first_up_to_the_limit()
    {
        var (creator, roomId) = await _h.RoomAsync();
        var remote = _h.NewRemote();
        await _h.JoinRemoteAsync(remote, roomId);
        var messages = new List<string>();
        for (var i = 0; i < 6; i++) messages.Add(await _h.Rooms.MessageAsync(roomId, creator, $"m{i}"));

        var page = await _h.OkAsync(remote, $"{V1}/backfill/{P(roomId)}?v={Q(messages[5])}&limit=4");
        IdsOf(page["pdus"]!.AsArray(), Version).Should().Equal(messages[5], messages[4], messages[3], messages[2]);
        ((string)page["origin"]!).Should().Be(TestHost.ServerName);

        var all = await _h.OkAsync(remote, $"{V1}/backfill/{P(roomId)}?v={Q(messages[1])}&limit=1000");
        var pdus = all["pdus"]!.AsArray();
        pdus.Select(p => p!["depth"]!.GetValue<long>()).Should().BeInDescendingOrder();
        ((string)pdus[^1]!["type"]!).Should().Be("m.room.create");
        pdus.Count.Should().BeLessThanOrEqualTo(100);

        await (await _h.GetAsync(remote, $"{V1}/backfill/{P(roomId)}?limit=3")).ShouldBeMatrixErrorAsync(400, "M_MISSING_PARAM");
        await (await _h.GetAsync(remote, $"{V1}/backfill/{P(roomId)}?v={Q(messages[0])}")).ShouldBeMatrixErrorAsync(400, "M_MISSING_PARAM");
        await (await _h.GetAsync(remote, $"{V1}/backfill/{P(roomId)}?v={Q(messages[0])}&limit=-1")).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
        await (await _h.GetAsync(remote, $"{V1}/backfill/{P(roomId)}?v=bad&limit=1")).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
        await (await _h.GetAsync(_h.NewRemote(), $"{V1}/backfill/{P(roomId)}?v={Q(messages[0])}&limit=1")).ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Backfill_and_get_missing_events_are_capped()
    {
        var (creator, roomId) = await _h.RoomAsync();
        var remote = _h.NewRemote();
        await _h.JoinRemoteAsync(remote, roomId);
        var first = await _h.Rooms.MessageAsync(roomId, creator, "first");
        var last = first;
        for (var i = 0; i < 105; i++) last = await _h.Rooms.MessageAsync(roomId, creator, $"m{i}");

        var backfill = await _h.OkAsync(remote, $"{V1}/backfill/{P(roomId)}?v={Q(last)}&limit=1000");
        backfill["pdus"]!.AsArray().Should().HaveCount(HistoryService.MaxBackfillLimit);

        var body = new JsonObject { ["earliest_events"] = new JsonArray(first), ["latest_events"] = new JsonArray(last), ["limit"] = 500 };
        var missing = await (await _h.PostAsync(remote, $"{V1}/get_missing_events/{P(roomId)}", body)).ReadJsonObjectAsync();
        missing["events"]!.AsArray().Should().HaveCount(HistoryService.MaxMissingEventsLimit);

        body["limit"] = "many";
        await (await _h.PostAsync(remote, $"{V1}/get_missing_events/{P(roomId)}", body)).ShouldBeMatrixErrorAsync(400, "M_BAD_JSON");
        body["limit"] = 0;
        await (await _h.PostAsync(remote, $"{V1}/get_missing_events/{P(roomId)}", body)).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Get_missing_events_walks_both_branches_of_a_fork_between_earliest_and_latest()
    {
        var (_, roomId) = await _h.RoomAsync();
        var remote = _h.NewRemote();
        var user = await _h.JoinRemoteAsync(remote, roomId);
        JsonObject Body(string text) => new() { ["msgtype"] = "m.text", ["body"] = text };
        var fork = await _h.ReceiveRemoteAsync(remote, roomId, "m.room.message", user, Body("fork"));
        var left1 = await _h.ReceiveRemoteAsync(remote, roomId, "m.room.message", user, Body("left1"), prevEvents: [fork]);
        var left2 = await _h.ReceiveRemoteAsync(remote, roomId, "m.room.message", user, Body("left2"), prevEvents: [left1]);
        var right1 = await _h.ReceiveRemoteAsync(remote, roomId, "m.room.message", user, Body("right1"), prevEvents: [fork]);
        var merge = await _h.ReceiveRemoteAsync(remote, roomId, "m.room.message", user, Body("merge"), prevEvents: [left2, right1]);

        JsonObject Request(int? limit = null, long? minDepth = null)
        {
            var body = new JsonObject { ["earliest_events"] = new JsonArray(fork), ["latest_events"] = new JsonArray(merge) };
            if (limit is { } l) body["limit"] = l;
            if (minDepth is { } d) body["min_depth"] = d;
            return body;
        }
        async Task<List<string>> MissingAsync(JsonObject body)
        {
            var response = await _h.PostAsync(remote, $"{V1}/get_missing_events/{P(roomId)}", body);
            var json = await response.ReadJsonObjectAsync();
            ((int)response.StatusCode).Should().Be(200, json.ToJsonString());
            return IdsOf(json["events"]!.AsArray(), Version);
        }

        var all = await MissingAsync(Request());
        all.Should().BeEquivalentTo([left1, left2, right1]);
        all.IndexOf(left1).Should().BeLessThan(all.IndexOf(left2), "oldest first");
        var limited = await MissingAsync(Request(limit: 2));
        limited.Should().HaveCount(2).And.Contain(left2, "the deepest events come first");
        var leftDepth = (await _h.Store.GetEventAsync(left2, CancellationToken.None))!.Depth;
        (await MissingAsync(Request(minDepth: leftDepth))).Should().Equal(left2);

        var stranger = await _h.PostAsync(_h.NewRemote(), $"{V1}/get_missing_events/{P(roomId)}", Request());
        await stranger.ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
        var malformed = await _h.PostAsync(remote, $"{V1}/get_missing_events/{P(roomId)}", new JsonObject { ["earliest_events"] = "x", ["latest_events"] = new JsonArray() });
        await malformed.ShouldBeMatrixErrorAsync(400, "M_BAD_JSON");
        var unknown = await _h.PostAsync(remote, $"{V1}/get_missing_events/{P("!nope:test.example")}", Request());
        await unknown.ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Timestamp_to_event_finds_the_nearest_event_in_the_direction()
    {
        var (creator, roomId) = await _h.RoomAsync();
        var remote = _h.NewRemote();
        await _h.JoinRemoteAsync(remote, roomId);
        var message = await _h.Rooms.MessageAsync(roomId, creator, "now");
        var record = (await _h.Store.GetEventAsync(message, CancellationToken.None))!;

        var before = await _h.OkAsync(remote, $"{V1}/timestamp_to_event/{P(roomId)}?ts={record.OriginServerTs + 60_000}&dir=b");
        ((long)before["origin_server_ts"]!).Should().BeLessThanOrEqualTo(record.OriginServerTs + 60_000);
        var events = await _h.Store.GetEventAsync((string)before["event_id"]!, CancellationToken.None);
        events!.RoomId.Should().Be(roomId);
        await (await _h.GetAsync(remote, $"{V1}/timestamp_to_event/{P(roomId)}?ts={long.MaxValue / 2}&dir=f"))
            .ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
        var first = await _h.OkAsync(remote, $"{V1}/timestamp_to_event/{P(roomId)}?ts=0&dir=f");
        ((string)first["event_id"]!).Should().Be((await _h.Store.GetRoomAsync(roomId, CancellationToken.None))!.CreateEventId);

        await (await _h.GetAsync(remote, $"{V1}/timestamp_to_event/{P(roomId)}?ts=0&dir=x")).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
        await (await _h.GetAsync(remote, $"{V1}/timestamp_to_event/{P(roomId)}?dir=f")).ShouldBeMatrixErrorAsync(400, "M_MISSING_PARAM");
        await (await _h.GetAsync(_h.NewRemote(), $"{V1}/timestamp_to_event/{P(roomId)}?ts=0&dir=f")).ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
    }

    private static string IdOf(JsonArray pdus, int index) => IdsOf(pdus, Version)[index];
}
