using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.ClientApi.Sync;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Sync.SyncTestRooms;

namespace Homeserver.Tests.ClientApi.Context;

public class EventContextApiTests(TestHost host) : IClassFixture<TestHost>
{
    private readonly SyncTestRooms _rooms = new(host);

    private async Task<JsonObject> ContextAsync(string token, string roomId, string eventId, string query = "")
    {
        var response = await _rooms.GetAsync($"{V3}/rooms/{Q(roomId)}/context/{Q(eventId)}?{query}", token);
        var body = await response.ReadJsonObjectAsync();
        ((int)response.StatusCode).Should().Be(200, body.ToJsonString());
        return body;
    }

    [Fact]
    public async Task Returns_the_event_with_neighbours_split_by_the_limit_and_tokens_that_messages_accepts()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
            ids.Add(await _rooms.MessageAsync(roomId, alice, $"m{i}"));

        var context = await ContextAsync(token, roomId, ids[3], "limit=4");
        ((string)context["event"]!["event_id"]!).Should().Be(ids[3]);
        ((string)context["event"]!["room_id"]!).Should().Be(roomId);
        Bodies(context["events_before"]!.AsArray()).Should().Equal("m2", "m1");
        Bodies(context["events_after"]!.AsArray()).Should().Equal("m4", "m5");
        context["state"]!.AsArray().Select(e => (string)e!["type"]!).Should().Contain(["m.room.create", "m.room.member", "m.room.join_rules"]);

        var earlier = await _rooms.MessagesAsync(token, roomId, $"dir=b&limit=1&from={Q((string)context["start"]!)}");
        Bodies(earlier["chunk"]!.AsArray()).Should().Equal("m0");
        var later = await _rooms.MessagesAsync(token, roomId, $"dir=f&from={Q((string)context["end"]!)}");
        Bodies(later["chunk"]!.AsArray()).Should().Equal("m6");
    }

    [Fact]
    public async Task The_filter_applies_to_neighbours_and_lazy_loads_members()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var (bob, _) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.MembershipAsync(roomId, bob, bob, "join");
        var target = await _rooms.MessageAsync(roomId, alice, "hello");
        await _rooms.SendAsync(roomId, alice, "org.example.other", new JsonObject());
        await _rooms.MessageAsync(roomId, alice, "after");

        var filter = Q("""{"not_types":["org.example.other"],"lazy_load_members":true}""");
        var context = await ContextAsync(token, roomId, target, $"limit=2&filter={filter}");
        context["events_after"]!.AsArray().Select(e => (string)e!["type"]!).Should().Equal("m.room.message");
        context["events_before"]!.AsArray().Select(e => (string)e!["type"]!).Should().Equal("m.room.member");
        var members = context["state"]!.AsArray().Where(e => (string?)e!["type"] == "m.room.member").Select(e => (string)e!["state_key"]!);
        members.Should().BeEquivalentTo([alice, bob]);

        var noMembers = await ContextAsync(token, roomId, target, "limit=0&filter=" + Q("""{"lazy_load_members":true}"""));
        noMembers["events_before"]!.AsArray().Should().BeEmpty();
        noMembers["events_after"]!.AsArray().Should().BeEmpty();
        noMembers["state"]!.AsArray().Where(e => (string?)e!["type"] == "m.room.member").Select(e => (string)e!["state_key"]!)
            .Should().Equal(alice);
    }

    [Fact]
    public async Task Outsiders_get_403_and_unknown_or_invisible_events_404()
    {
        var (alice, token) = await _rooms.NewUserAsync();
        var (bob, bobToken) = await _rooms.NewUserAsync();
        var (_, strangerToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.SendAsync(roomId, alice, "m.room.history_visibility", new JsonObject { ["history_visibility"] = "joined" }, "");
        var secret = await _rooms.MessageAsync(roomId, alice, "before bob");
        await _rooms.MembershipAsync(roomId, bob, bob, "join");
        var seen = await _rooms.MessageAsync(roomId, alice, "for bob");

        var path = (string id) => $"{V3}/rooms/{Q(roomId)}/context/{Q(id)}";
        await (await _rooms.GetAsync(path(seen), strangerToken)).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await _rooms.GetAsync(path("$unknown"), token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await _rooms.GetAsync(path(secret), bobToken)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await _rooms.GetAsync(path(seen) + "?limit=x", token)).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);

        var context = await ContextAsync(bobToken, roomId, seen, "limit=10");
        Bodies(context["events_before"]!.AsArray()).Should().BeEmpty("bob may not see what was said before he joined");
        var before = context["events_before"]!.AsArray();
        Ids(before).Should().NotContain(secret);
        ((string)before[0]!["sender"]!).Should().Be(bob, "his join is the newest event before");
        before.Select(e => (string)e!["type"]!).Should().Contain("m.room.history_visibility", "it was sent while history was shared");
    }
}
