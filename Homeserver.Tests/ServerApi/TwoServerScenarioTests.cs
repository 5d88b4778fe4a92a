using System.Text.Json.Nodes;
using Homeserver.Tests.ClientApi.Rooms;
using static Homeserver.Tests.ServerApi.TwoServers;

namespace Homeserver.Tests.ServerApi;

/// <summary>
/// Issue #9's scenarios end to end: users of two homeservers share rooms through the real federation
/// endpoints, client APIs and background sender, over the in-memory network.
/// </summary>
public sealed class TwoServerScenarioTests
{
    private static async Task<(TwoServers Servers, RoomUser Alice, RoomUser Bob, string RoomId)> SharedRoomAsync(string version = "12")
    {
        var servers = new TwoServers();
        var alice = await servers.UserOnAAsync();
        var bob = await servers.UserOnBAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat", ["room_version"] = version });
        await bob.OkAsync(HttpMethod.Post, $"/join/{RoomUser.Esc(roomId)}?server_name=a.test", new JsonObject());
        await EventuallyAsync(async () => await MembershipAsync(alice, roomId, bob.UserId) == "join", "A sees B's user joined");
        return (servers, alice, bob, roomId);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("11")]
    [InlineData("12")]
    public async Task A_user_of_another_server_joins_a_room_and_both_exchange_messages(string version)
    {
        var (servers, alice, bob, roomId) = await SharedRoomAsync(version);
        using var _ = servers;

        (await MembershipAsync(bob, roomId, alice.UserId)).Should().Be("join");
        await alice.SendMessageAsync(roomId, "hello from a");
        await EventuallyAsync(async () => (await MessageBodiesAsync(bob, roomId)).Contains("hello from a"), "B receives A's message");
        await bob.SendMessageAsync(roomId, "hello from b");
        await EventuallyAsync(async () => (await MessageBodiesAsync(alice, roomId)).Contains("hello from b"), "A receives B's message");
    }

    [Fact]
    public async Task Typing_and_receipts_cross_to_the_other_server()
    {
        var (servers, alice, bob, roomId) = await SharedRoomAsync();
        using var _ = servers;
        var eventId = await alice.SendMessageAsync(roomId, "read me");
        await EventuallyAsync(async () => (await MessageBodiesAsync(bob, roomId)).Contains("read me"), "B receives the message");

        await bob.OkAsync(HttpMethod.Put, $"/rooms/{RoomUser.Esc(roomId)}/typing/{RoomUser.Esc(bob.UserId)}",
            new JsonObject { ["typing"] = true, ["timeout"] = 30000 });
        await EventuallyAsync(async () =>
        {
            var sync = await SyncAsync(alice);
            var ephemeral = sync["rooms"]?["join"]?[roomId]?["ephemeral"]?["events"]?.AsArray() ?? [];
            return ephemeral.Any(e => (string?)e!["type"] == "m.typing" && e["content"]!["user_ids"]!.AsArray().Any(u => (string?)u == bob.UserId));
        }, "A sees B's user typing");

        await bob.OkAsync(HttpMethod.Post, $"/rooms/{RoomUser.Esc(roomId)}/receipt/m.read/{RoomUser.Esc(eventId)}", new JsonObject());
        await EventuallyAsync(async () =>
        {
            var sync = await SyncAsync(alice);
            var ephemeral = sync["rooms"]?["join"]?[roomId]?["ephemeral"]?["events"]?.AsArray() ?? [];
            return ephemeral.Any(e => (string?)e!["type"] == "m.receipt" && e["content"]?[eventId]?["m.read"]?[bob.UserId] is not null);
        }, "A sees B's read receipt");
    }

    [Fact]
    public async Task Presence_set_by_a_sync_reaches_the_other_server()
    {
        var (servers, alice, bob, _) = await SharedRoomAsync();
        using var _ = servers;

        await alice.OkAsync(HttpMethod.Get, "/sync?timeout=0&set_presence=unavailable");

        await EventuallyAsync(async () =>
        {
            var status = await bob.OkAsync(HttpMethod.Get, $"/presence/{RoomUser.Esc(alice.UserId)}/status");
            return (string?)status["presence"] == "unavailable";
        }, "B sees A's user as unavailable");
    }

    [Fact]
    public async Task A_user_paginates_history_from_before_their_server_joined()
    {
        var servers = new TwoServers();
        using var _ = servers;
        var alice = await servers.UserOnAAsync();
        var bob = await servers.UserOnBAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat", ["room_version"] = "11" });
        for (var i = 0; i < 15; i++) await alice.SendMessageAsync(roomId, $"old {i}");

        await bob.OkAsync(HttpMethod.Post, $"/join/{RoomUser.Esc(roomId)}?server_name=a.test", new JsonObject());

        await EventuallyAsync(async () => (await MessageBodiesAsync(bob, roomId)).Count >= 15, "B backfills the history");
        (await MessageBodiesAsync(bob, roomId)).Should().Equal(Enumerable.Range(0, 15).Select(i => $"old {i}"));
    }

    [Fact]
    public async Task An_invite_from_another_server_is_seen_and_accepted()
    {
        var servers = new TwoServers();
        using var _ = servers;
        var alice = await servers.UserOnAAsync();
        var bob = await servers.UserOnBAsync();
        var roomId = await bob.CreateRoomAsync(new JsonObject { ["preset"] = "private_chat" });

        await bob.OkAsync(HttpMethod.Post, $"/rooms/{RoomUser.Esc(roomId)}/invite", new JsonObject { ["user_id"] = alice.UserId });

        await EventuallyAsync(async () => (await SyncAsync(alice))["rooms"]?["invite"]?[roomId] is not null, "A's user sees the invite");
        await alice.OkAsync(HttpMethod.Post, $"/rooms/{RoomUser.Esc(roomId)}/join", new JsonObject());
        await EventuallyAsync(async () => await MembershipAsync(bob, roomId, alice.UserId) == "join", "B sees A's user joined");

        await alice.MembershipAsync(roomId, "leave");
        await EventuallyAsync(async () => await MembershipAsync(bob, roomId, alice.UserId) == "leave", "B sees A's user leave");
    }

    [Fact]
    public async Task A_user_of_another_server_invited_at_room_creation_gets_the_invite()
    {
        var servers = new TwoServers();
        using var _ = servers;
        var alice = await servers.UserOnAAsync();
        var bob = await servers.UserOnBAsync();

        var roomId = await bob.CreateRoomAsync(new JsonObject
        {
            ["preset"] = "trusted_private_chat", ["is_direct"] = true, ["invite"] = new JsonArray(alice.UserId),
        });

        await EventuallyAsync(async () => (await SyncAsync(alice))["rooms"]?["invite"]?[roomId] is not null, "A's user sees the invite");
        (await MembershipAsync(bob, roomId, alice.UserId)).Should().Be("invite");
    }

    [Fact]
    public async Task Messages_sent_while_a_server_is_down_all_arrive_in_order_after_it_returns()
    {
        var (servers, alice, bob, roomId) = await SharedRoomAsync();
        using var _ = servers;

        servers.Network.SetReachable("b.test", false);
        for (var i = 0; i < 20; i++) await alice.SendMessageAsync(roomId, $"during outage {i}");
        servers.Network.SetReachable("b.test", true);
        await bob.SendMessageAsync(roomId, "back"); // B talks to A again, which ends A's backoff for B

        var expected = Enumerable.Range(0, 20).Select(i => $"during outage {i}").ToList();
        await EventuallyAsync(async () => (await MessageBodiesAsync(bob, roomId)).Intersect(expected).Count() == 20, "all 20 messages reach B", 60);
        (await MessageBodiesAsync(bob, roomId)).Where(expected.Contains).Should().Equal(expected);
    }

    [Fact]
    public async Task Profiles_and_aliases_of_the_other_server_are_looked_up_over_federation()
    {
        var servers = new TwoServers();
        using var _ = servers;
        var alice = await servers.UserOnAAsync();
        var bob = await servers.UserOnBAsync();
        await alice.OkAsync(HttpMethod.Put, $"/profile/{RoomUser.Esc(alice.UserId)}/displayname", new JsonObject { ["displayname"] = "Alice A" });
        var alias = "#lobby" + Guid.NewGuid().ToString("N")[..6] + ":a.test";
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat", ["room_alias_name"] = alias[1..alias.IndexOf(':')] });

        (await bob.OkAsync(HttpMethod.Get, $"/profile/{RoomUser.Esc(alice.UserId)}"))["displayname"]!.GetValue<string>().Should().Be("Alice A");
        (await bob.OkAsync(HttpMethod.Get, $"/directory/room/{RoomUser.Esc(alias)}"))["room_id"]!.GetValue<string>().Should().Be(roomId);

        await bob.OkAsync(HttpMethod.Post, $"/join/{RoomUser.Esc(alias)}", new JsonObject());
        await EventuallyAsync(async () => await MembershipAsync(alice, roomId, bob.UserId) == "join", "joined by alias");
    }
}
