using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.ClientApi.Accounts;
using Homeserver.Tests.ClientApi.Rooms;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Rooms.RoomUser;

namespace Homeserver.Tests.ClientApi.Spaces;

/// <summary>GET /_matrix/client/v1/rooms/{roomId}/hierarchy: the walk, what each user sees, depth, suggested rooms and pages.</summary>
public class SpaceHierarchyTests(RoomsFixture fixture) : IClassFixture<RoomsFixture>
{
    private const string V1 = "/_matrix/client/v1";

    /// <summary>Creates a room a millisecond later than the last: identical rooms in the same millisecond are refused.</summary>
    private Task<string> CreateRoomAsync(RoomUser user, JsonObject body)
    {
        fixture.Host.Time.Advance(TimeSpan.FromMilliseconds(1));
        return user.CreateRoomAsync(body);
    }

    /// <summary>
    /// Alice's space S (public) with children in this order: public room P; invite-only room X; restricted room R
    /// allowing members of M (bob is in M, carol is not); nested space N (suggested) holding public room Q (suggested)
    /// and S again (a loop); a room this server does not hold; and a child without via (removed).
    /// </summary>
    private sealed record Tree(RoomUser Alice, RoomUser Bob, RoomUser Carol, string S, string P, string X, string R, string M, string N, string Q, string Unknown);

    private async Task<Tree> BuildTreeAsync()
    {
        var alice = await RoomUser.RegisterAsync(fixture.Client, "space");
        var bob = await RoomUser.RegisterAsync(fixture.Client, "space");
        var carol = await RoomUser.RegisterAsync(fixture.Client, "space");
        var space = new JsonObject { ["type"] = "m.space" };
        var s = await CreateRoomAsync(alice, new JsonObject { ["preset"] = "public_chat", ["name"] = "Space S", ["creation_content"] = space.DeepClone() });
        var p = await CreateRoomAsync(alice, new JsonObject { ["preset"] = "public_chat", ["name"] = "Public P", ["topic"] = "All welcome" });
        var x = await CreateRoomAsync(alice, new JsonObject { ["preset"] = "private_chat", ["name"] = "Private X" });
        var m = await CreateRoomAsync(alice, new JsonObject { ["preset"] = "public_chat", ["name"] = "Members M" });
        await bob.MembershipAsync(m, "join");
        var r = await CreateRoomAsync(alice, new JsonObject { ["preset"] = "private_chat", ["name"] = "Restricted R" });
        await alice.OkAsync(HttpMethod.Put, $"/rooms/{Esc(r)}/state/m.room.join_rules/", new JsonObject
        {
            ["join_rule"] = "restricted",
            ["allow"] = new JsonArray(new JsonObject { ["type"] = "m.room_membership", ["room_id"] = m }),
        });
        var n = await CreateRoomAsync(alice, new JsonObject { ["preset"] = "public_chat", ["name"] = "Nested N", ["creation_content"] = space.DeepClone() });
        var q = await CreateRoomAsync(alice, new JsonObject { ["preset"] = "public_chat", ["name"] = "Deep Q" });
        var unknown = $"!unknown{Guid.NewGuid():N}:{TestHost.ServerName}";

        await AddChildAsync(alice, s, p, "a");
        await AddChildAsync(alice, s, x, "b");
        await AddChildAsync(alice, s, r, "c");
        await AddChildAsync(alice, s, n, "d", suggested: true);
        await AddChildAsync(alice, s, unknown, "e");
        await alice.OkAsync(HttpMethod.Put, $"/rooms/{Esc(s)}/state/m.space.child/{Esc(m)}", new JsonObject { ["via"] = new JsonArray() });
        await AddChildAsync(alice, n, q, "a", suggested: true);
        await AddChildAsync(alice, n, s, "b", suggested: true);
        return new Tree(alice, bob, carol, s, p, x, r, m, n, q, unknown);
    }

    private static Task AddChildAsync(RoomUser user, string space, string child, string order, bool suggested = false) =>
        user.OkAsync(HttpMethod.Put, $"/rooms/{Esc(space)}/state/m.space.child/{Esc(child)}", new JsonObject
        {
            ["via"] = new JsonArray(TestHost.ServerName), ["order"] = order, ["suggested"] = suggested,
        });

    private static Task<HttpResponseMessage> HierarchyAsync(RoomUser user, string roomId, string query = "") =>
        user.Client.SendJsonAsync(HttpMethod.Get, $"{V1}/rooms/{Esc(roomId)}/hierarchy{query}", null, user.Token);

    private static async Task<JsonObject> OkHierarchyAsync(RoomUser user, string roomId, string query = "")
    {
        var response = await HierarchyAsync(user, roomId, query);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    private static List<string> RoomIds(JsonObject page) => [.. page["rooms"]!.AsArray().Select(r => (string)r!["room_id"]!)];

    private static JsonObject Room(JsonObject page, string roomId) =>
        page["rooms"]!.AsArray().Single(r => (string)r!["room_id"]! == roomId)!.AsObject();

    [Fact]
    public async Task The_walk_is_depth_first_in_child_order_and_skips_hidden_unknown_and_repeated_rooms()
    {
        var t = await BuildTreeAsync();

        var page = await OkHierarchyAsync(t.Bob, t.S);

        RoomIds(page).Should().Equal(t.S, t.P, t.R, t.N, t.Q);
        page.ContainsKey("next_batch").Should().BeFalse();
        var root = Room(page, t.S);
        ((string)root["room_type"]!).Should().Be("m.space");
        ((string)root["name"]!).Should().Be("Space S");
        ((string)root["join_rule"]!).Should().Be("public");
        ((long)root["num_joined_members"]!).Should().Be(1);
        root.ContainsKey("room_version").Should().BeTrue();
        var children = root["children_state"]!.AsArray().Select(c => c!.AsObject()).ToList();
        children.Select(c => (string)c["state_key"]!).Should().BeEquivalentTo([t.P, t.X, t.R, t.N, t.Unknown]);
        children.Should().AllSatisfy(c =>
        {
            ((string)c["type"]!).Should().Be("m.space.child");
            ((string)c["sender"]!).Should().Be(t.Alice.UserId);
            c["origin_server_ts"]!.GetValue<long>().Should().BePositive();
            c["content"]!["via"]!.AsArray().Should().HaveCount(1);
        });
        var restricted = Room(page, t.R);
        ((string)restricted["join_rule"]!).Should().Be("restricted");
        restricted["allowed_room_ids"]!.AsArray().Select(id => (string)id!).Should().Equal(t.M);
        Room(page, t.P)["children_state"]!.AsArray().Should().BeEmpty("a room that is not a space has no children");
        ((string)Room(page, t.P)["topic"]!).Should().Be("All welcome");
        Room(page, t.N)["children_state"]!.AsArray().Should().HaveCount(2);

        // Carol is in none of R's allowed rooms; Alice, in every room, sees the invite-only room too.
        RoomIds(await OkHierarchyAsync(t.Carol, t.S)).Should().Equal(t.S, t.P, t.N, t.Q);
        RoomIds(await OkHierarchyAsync(t.Alice, t.S)).Should().Equal(t.S, t.P, t.X, t.R, t.N, t.Q);
        // An invite makes the room visible.
        await t.Alice.MembershipAsync(t.X, "invite", new JsonObject { ["user_id"] = t.Carol.UserId });
        RoomIds(await OkHierarchyAsync(t.Carol, t.S)).Should().Equal(t.S, t.P, t.X, t.N, t.Q);
    }

    [Fact]
    public async Task Max_depth_and_suggested_only_bound_the_walk()
    {
        var t = await BuildTreeAsync();

        RoomIds(await OkHierarchyAsync(t.Bob, t.S, "?max_depth=0")).Should().Equal(t.S);
        var depthOne = await OkHierarchyAsync(t.Bob, t.S, "?max_depth=1");
        RoomIds(depthOne).Should().Equal(t.S, t.P, t.R, t.N);
        Room(depthOne, t.N)["children_state"]!.AsArray().Should().HaveCount(2, "the children are described even when not walked");
        RoomIds(await OkHierarchyAsync(t.Bob, t.S, "?suggested_only=true")).Should().Equal(t.S, t.N, t.Q);
        RoomIds(await OkHierarchyAsync(t.Bob, t.N)).Should().Equal(t.N, t.Q, t.S, t.P, t.R);

        await (await HierarchyAsync(t.Bob, t.S, "?max_depth=-1")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await HierarchyAsync(t.Bob, t.S, "?limit=0")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await HierarchyAsync(t.Bob, t.S, "?limit=abc")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        RoomIds(await OkHierarchyAsync(t.Bob, t.S, "?limit=99999999999999999999999&max_depth=99999999999999999999")).Should().Equal(t.S, t.P, t.R, t.N, t.Q);
        await (await HierarchyAsync(t.Bob, t.S, "?suggested_only=yes")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Fact]
    public async Task Pages_continue_the_walk_and_tokens_are_bound_to_their_walk()
    {
        var t = await BuildTreeAsync();

        var first = await OkHierarchyAsync(t.Bob, t.S, "?limit=2");
        RoomIds(first).Should().Equal(t.S, t.P);
        var token = (string)first["next_batch"]!;
        var second = await OkHierarchyAsync(t.Bob, t.S, $"?limit=2&from={Esc(token)}");
        RoomIds(second).Should().Equal(t.R, t.N);
        var third = await OkHierarchyAsync(t.Bob, t.S, $"?limit=2&from={Esc((string)second["next_batch"]!)}");
        RoomIds(third).Should().Equal(t.Q);
        third.ContainsKey("next_batch").Should().BeFalse();

        var suggested = await OkHierarchyAsync(t.Bob, t.S, "?suggested_only=true&max_depth=3&limit=1");
        var suggestedToken = Esc((string)suggested["next_batch"]!);
        RoomIds(await OkHierarchyAsync(t.Bob, t.S, $"?suggested_only=true&max_depth=3&limit=5&from={suggestedToken}")).Should().Equal(t.N, t.Q);
        await (await HierarchyAsync(t.Bob, t.S, $"?suggested_only=true&max_depth=2&from={suggestedToken}")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await HierarchyAsync(t.Bob, t.S, $"?max_depth=3&from={suggestedToken}")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await HierarchyAsync(t.Bob, t.N, $"?from={Esc(token)}")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await HierarchyAsync(t.Bob, t.S, "?from=garbage")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await HierarchyAsync(t.Bob, t.S, "?from=h1_bm90IGpzb24")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Fact]
    public async Task A_root_the_user_may_not_see_is_forbidden()
    {
        var t = await BuildTreeAsync();

        await (await HierarchyAsync(t.Bob, t.X)).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await HierarchyAsync(t.Carol, t.R)).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await HierarchyAsync(t.Bob, t.Unknown)).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        RoomIds(await OkHierarchyAsync(t.Bob, t.R)).Should().Equal(t.R);
        await (await HierarchyAsync(t.Bob, "not-a-room")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        var anonymous = await fixture.Client.GetAsync($"{V1}/rooms/{Esc(t.S)}/hierarchy");
        anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Children_without_an_order_follow_their_timestamps_after_ordered_ones()
    {
        var alice = await RoomUser.RegisterAsync(fixture.Client, "space");
        var s = await CreateRoomAsync(alice, new JsonObject { ["preset"] = "public_chat", ["creation_content"] = new JsonObject { ["type"] = "m.space" } });
        var rooms = new List<string>();
        for (var i = 0; i < 3; i++)
            rooms.Add(await CreateRoomAsync(alice, new JsonObject { ["preset"] = "public_chat" }));
        foreach (var room in new[] { rooms[2], rooms[0] })
        {
            fixture.Host.Time.Advance(TimeSpan.FromSeconds(1));
            await alice.OkAsync(HttpMethod.Put, $"/rooms/{Esc(s)}/state/m.space.child/{Esc(room)}", new JsonObject { ["via"] = new JsonArray(TestHost.ServerName) });
        }
        fixture.Host.Time.Advance(TimeSpan.FromSeconds(1));
        // An order too long to be valid counts as no order; " " sorts before any other.
        await alice.OkAsync(HttpMethod.Put, $"/rooms/{Esc(s)}/state/m.space.child/{Esc(rooms[1])}", new JsonObject
        {
            ["via"] = new JsonArray(TestHost.ServerName), ["order"] = new string('a', 51),
        });
        RoomIds(await OkHierarchyAsync(alice, s)).Should().Equal(s, rooms[2], rooms[0], rooms[1]);

        await alice.OkAsync(HttpMethod.Put, $"/rooms/{Esc(s)}/state/m.space.child/{Esc(rooms[1])}", new JsonObject
        {
            ["via"] = new JsonArray(TestHost.ServerName), ["order"] = " ",
        });
        RoomIds(await OkHierarchyAsync(alice, s)).Should().Equal(s, rooms[1], rooms[2], rooms[0]);
    }
}
