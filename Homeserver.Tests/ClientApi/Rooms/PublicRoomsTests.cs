using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Rooms.RoomUser;

namespace Homeserver.Tests.ClientApi.Rooms;

/// <summary>The published room directory: /directory/list/room and /publicRooms (GET and POST with filters and pages).</summary>
public class PublicRoomsTests(RoomsFixture fixture) : IClassFixture<RoomsFixture>
{
    private Task<RoomUser> NewUserAsync() => RoomUser.RegisterAsync(fixture.Client, "pub");

    private async Task<string> CreateRoomAsync(RoomUser user, JsonObject body)
    {
        fixture.Host.Time.Advance(TimeSpan.FromMilliseconds(1));
        return await user.CreateRoomAsync(body);
    }

    private static async Task<JsonObject> SearchAsync(RoomUser user, JsonObject body) =>
        (await user.OkAsync(HttpMethod.Post, "/publicRooms", body)).AsObject();

    private static List<string> RoomIds(JsonObject page) => [.. page["chunk"]!.AsArray().Select(r => (string)r!["room_id"]!)];

    [Fact]
    public async Task Rooms_created_public_are_listed_with_their_state_and_private_ones_are_not()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var tag = Guid.NewGuid().ToString("N");
        var publicRoom = await CreateRoomAsync(alice, new JsonObject
        {
            ["visibility"] = "public", ["name"] = $"Cheese {tag}", ["topic"] = "Tasty", ["room_alias_name"] = "cheese" + tag,
        });
        var privateRoom = await CreateRoomAsync(alice, new JsonObject { ["name"] = $"Secret {tag}" });
        await bob.MembershipAsync(publicRoom, "join");

        (await alice.OkAsync(HttpMethod.Get, $"/directory/list/room/{Esc(publicRoom)}"))["visibility"]!.GetValue<string>().Should().Be("public");
        (await alice.OkAsync(HttpMethod.Get, $"/directory/list/room/{Esc(privateRoom)}"))["visibility"]!.GetValue<string>().Should().Be("private");

        var page = await SearchAsync(bob, new JsonObject { ["filter"] = new JsonObject { ["generic_search_term"] = tag } });
        var entry = page["chunk"]!.AsArray().Single()!.AsObject();
        ((string)entry["room_id"]!).Should().Be(publicRoom);
        ((string)entry["name"]!).Should().Be($"Cheese {tag}");
        ((string)entry["topic"]!).Should().Be("Tasty");
        ((string)entry["canonical_alias"]!).Should().Be($"#cheese{tag}:{TestHost.ServerName}");
        ((long)entry["num_joined_members"]!).Should().Be(2);
        ((string)entry["join_rule"]!).Should().Be("public");
        ((bool)entry["world_readable"]!).Should().BeFalse();
        ((bool)entry["guest_can_join"]!).Should().BeFalse();
        entry.ContainsKey("room_type").Should().BeFalse();

        var listed = (await bob.OkAsync(HttpMethod.Get, "/publicRooms")).AsObject();
        RoomIds(listed).Should().Contain(publicRoom).And.NotContain(privateRoom);
    }

    [Fact]
    public async Task Publishing_needs_power_in_the_room_and_unpublishing_removes_the_room()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var tag = Guid.NewGuid().ToString("N");
        var roomId = await CreateRoomAsync(alice, new JsonObject { ["preset"] = "public_chat", ["name"] = tag });
        await bob.MembershipAsync(roomId, "join");

        var denied = await bob.SendAsync(HttpMethod.Put, $"/directory/list/room/{Esc(roomId)}", new JsonObject { ["visibility"] = "public" });
        await denied.ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await alice.OkAsync(HttpMethod.Put, $"/directory/list/room/{Esc(roomId)}", new JsonObject { ["visibility"] = "public" });
        RoomIds(await SearchAsync(bob, new JsonObject { ["filter"] = new JsonObject { ["generic_search_term"] = tag } })).Should().Equal(roomId);

        await alice.OkAsync(HttpMethod.Put, $"/directory/list/room/{Esc(roomId)}", new JsonObject { ["visibility"] = "private" });
        RoomIds(await SearchAsync(bob, new JsonObject { ["filter"] = new JsonObject { ["generic_search_term"] = tag } })).Should().BeEmpty();

        var unknown = await alice.SendAsync(HttpMethod.Put, $"/directory/list/room/{Esc("!nope:" + TestHost.ServerName)}", new JsonObject());
        await unknown.ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        var bad = await alice.SendAsync(HttpMethod.Put, $"/directory/list/room/{Esc(roomId)}", new JsonObject { ["visibility"] = "hidden" });
        await bad.ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Fact]
    public async Task Pages_follow_member_counts_and_filters_select_room_types()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var tag = Guid.NewGuid().ToString("N");
        var big = await CreateRoomAsync(alice, new JsonObject { ["visibility"] = "public", ["name"] = $"{tag} big" });
        await bob.MembershipAsync(big, "join");
        var small = await CreateRoomAsync(alice, new JsonObject { ["visibility"] = "public", ["name"] = $"{tag} small" });
        var space = await CreateRoomAsync(alice, new JsonObject
        {
            ["visibility"] = "public", ["name"] = $"{tag} space", ["creation_content"] = new JsonObject { ["type"] = "m.space" },
        });
        var filter = new JsonObject { ["generic_search_term"] = tag };

        var first = await SearchAsync(alice, new JsonObject { ["limit"] = 1, ["filter"] = filter.DeepClone() });
        RoomIds(first).Should().Equal(big);
        first.ContainsKey("prev_batch").Should().BeFalse();
        ((long)first["total_room_count_estimate"]!).Should().Be(3);
        var rest = await SearchAsync(alice, new JsonObject { ["limit"] = 5, ["since"] = (string)first["next_batch"]!, ["filter"] = filter.DeepClone() });
        RoomIds(rest).Should().BeEquivalentTo([small, space]);
        rest.ContainsKey("next_batch").Should().BeFalse();
        rest.ContainsKey("prev_batch").Should().BeTrue();

        var spaces = await SearchAsync(alice, new JsonObject { ["filter"] = new JsonObject { ["generic_search_term"] = tag, ["room_types"] = new JsonArray("m.space") } });
        RoomIds(spaces).Should().Equal(space);
        ((string)spaces["chunk"]![0]!["room_type"]!).Should().Be("m.space");
        var plain = await SearchAsync(alice, new JsonObject { ["filter"] = new JsonObject { ["generic_search_term"] = tag, ["room_types"] = new JsonArray((JsonNode?)null) } });
        RoomIds(plain).Should().BeEquivalentTo([big, small]);
    }

    [Fact]
    public async Task Bad_requests_are_refused_and_listing_needs_a_token_by_default()
    {
        var alice = await NewUserAsync();
        var anonymous = await fixture.Client.SendAsync(TestHost.Request(HttpMethod.Get, $"{Accounts.AccountRequests.V3}/publicRooms"));
        await anonymous.ShouldBeMatrixErrorAsync(401, ErrorCodes.MissingToken);
        await (await alice.SendAsync(HttpMethod.Get, "/publicRooms?since=garbage")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await alice.SendAsync(HttpMethod.Get, "/publicRooms?limit=-1")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await alice.SendAsync(HttpMethod.Get, "/publicRooms?server=bad%20name")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await alice.SendAsync(HttpMethod.Get, "/publicRooms?server=elsewhere.example")).ShouldBeMatrixErrorAsync(502, ErrorCodes.Unknown); // unreachable
        await (await alice.SendAsync(HttpMethod.Post, "/publicRooms", new JsonObject { ["limit"] = "ten" })).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
        await (await alice.SendAsync(HttpMethod.Post, "/publicRooms", new JsonObject { ["filter"] = new JsonObject { ["room_types"] = new JsonArray(1) } }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
    }
}
