using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Rooms.RoomUser;

namespace Homeserver.Tests.ClientApi.Rooms;

/// <summary>Local room aliases: /directory/room, /rooms/{roomId}/aliases, createRoom's room_alias_name, join and knock by alias.</summary>
public class RoomDirectoryTests(RoomsFixture fixture) : IClassFixture<RoomsFixture>
{
    private Task<RoomUser> NewUserAsync() => RoomUser.RegisterAsync(fixture.Client, "dir");

    private static string NewAlias(string prefix = "lounge") => $"#{prefix}{Guid.NewGuid():N}:{TestHost.ServerName}";

    /// <summary>Creates a room one fake millisecond later, so that a user's identical requests name different rooms.</summary>
    private async Task<string> CreateRoomAsync(RoomUser user, JsonObject? body = null)
    {
        fixture.Host.Time.Advance(TimeSpan.FromMilliseconds(1));
        return await user.CreateRoomAsync(body);
    }

    private static Task<HttpResponseMessage> PutAliasAsync(RoomUser user, string alias, string roomId) =>
        user.SendAsync(HttpMethod.Put, $"/directory/room/{Esc(alias)}", new JsonObject { ["room_id"] = roomId });

    private async Task<HttpResponseMessage> GetAliasAsync(string alias) =>
        await fixture.Client.SendAsync(TestHost.Request(HttpMethod.Get, $"{Accounts.AccountRequests.V3}/directory/room/{Esc(alias)}"));

    private static async Task<List<string>> AliasesOfAsync(RoomUser user, string roomId) =>
        (await user.OkAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/aliases"))["aliases"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();

    [Fact]
    public async Task A_member_maps_an_alias_anyone_resolves_it_and_the_room_lists_it()
    {
        var alice = await NewUserAsync();
        var roomId = await CreateRoomAsync(alice);
        var alias = NewAlias();

        (await PutAliasAsync(alice, alias, roomId)).StatusCode.Should().Be(System.Net.HttpStatusCode.OK);

        var resolved = await GetAliasAsync(alias);
        var body = await resolved.ReadJsonObjectAsync();
        resolved.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, body.ToJsonString());
        body["room_id"]!.GetValue<string>().Should().Be(roomId);
        body["servers"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal(TestHost.ServerName);
        (await AliasesOfAsync(alice, roomId)).Should().Equal(alias);
    }

    [Fact]
    public async Task Putting_a_taken_invalid_or_foreign_alias_is_refused()
    {
        var alice = await NewUserAsync();
        var roomId = await CreateRoomAsync(alice);
        var otherRoom = await CreateRoomAsync(alice);
        var alias = NewAlias();
        await PutAliasAsync(alice, alias, roomId);

        await (await PutAliasAsync(alice, alias, otherRoom)).ShouldBeMatrixErrorAsync(409, ErrorCodes.Unknown);
        await (await PutAliasAsync(alice, "lounge", roomId)).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await PutAliasAsync(alice, "#lounge:elsewhere.example", roomId)).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await PutAliasAsync(alice, NewAlias(), "not a room")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await PutAliasAsync(alice, NewAlias(), $"!missing:{TestHost.ServerName}")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await alice.SendAsync(HttpMethod.Put, $"/directory/room/{Esc(NewAlias())}", new JsonObject { ["room_id"] = 5 }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
        (await GetAliasAsync(alias)).IsSuccessStatusCode.Should().BeTrue();
        (await AliasesOfAsync(alice, otherRoom)).Should().BeEmpty();
    }

    [Fact]
    public async Task Only_joined_users_may_map_an_alias_to_a_room()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var roomId = await CreateRoomAsync(alice);
        var alias = NewAlias();

        await (await PutAliasAsync(bob, alias, roomId)).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await GetAliasAsync(alias)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Unknown_aliases_are_not_found_unreachable_ones_fail_and_invalid_ones_are_refused()
    {
        await (await GetAliasAsync(NewAlias())).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        // Remote aliases are asked of their server (ServerApi.Misc.RemoteQueriesTests); this one cannot be reached.
        var remote = await GetAliasAsync("#lounge:elsewhere.example");
        await remote.ShouldBeMatrixErrorAsync(502, ErrorCodes.Unknown);
        await (await GetAliasAsync("lounge")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }

    [Fact]
    public async Task The_creator_or_a_user_with_canonical_alias_power_may_delete_an_alias()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var carol = await NewUserAsync();
        var roomId = await CreateRoomAsync(alice, new JsonObject { ["preset"] = "public_chat" });
        await bob.MembershipAsync(roomId, "join");
        await carol.MembershipAsync(roomId, "join");
        var bobsAlias = NewAlias("bob");
        var secondAlias = NewAlias("bob");
        await PutAliasAsync(bob, bobsAlias, roomId);
        await PutAliasAsync(bob, secondAlias, roomId);

        await (await carol.SendAsync(HttpMethod.Delete, $"/directory/room/{Esc(bobsAlias)}")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await bob.OkAsync(HttpMethod.Delete, $"/directory/room/{Esc(bobsAlias)}");
        await alice.OkAsync(HttpMethod.Delete, $"/directory/room/{Esc(secondAlias)}");

        await (await GetAliasAsync(bobsAlias)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await GetAliasAsync(secondAlias)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await bob.SendAsync(HttpMethod.Delete, $"/directory/room/{Esc(bobsAlias)}")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        (await AliasesOfAsync(alice, roomId)).Should().BeEmpty();
    }

    [Fact]
    public async Task Only_members_list_the_aliases_of_a_room_unless_it_is_world_readable()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var privateRoom = await CreateRoomAsync(alice);
        var readableRoom = await CreateRoomAsync(alice, new JsonObject
        {
            ["initial_state"] = new JsonArray(new JsonObject
            {
                ["type"] = "m.room.history_visibility", ["content"] = new JsonObject { ["history_visibility"] = "world_readable" },
            }),
        });
        var alias = NewAlias();
        await PutAliasAsync(alice, alias, readableRoom);

        await (await bob.SendAsync(HttpMethod.Get, $"/rooms/{Esc(privateRoom)}/aliases")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        (await AliasesOfAsync(bob, readableRoom)).Should().Equal(alias);
        (await AliasesOfAsync(alice, privateRoom)).Should().BeEmpty();
        await (await bob.SendAsync(HttpMethod.Get, $"/rooms/{Esc($"!missing:{TestHost.ServerName}")}/aliases")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task CreateRoom_with_room_alias_name_maps_the_alias_and_sets_the_canonical_alias()
    {
        var alice = await NewUserAsync();
        var localpart = $"pub{Guid.NewGuid():N}";
        var alias = $"#{localpart}:{TestHost.ServerName}";

        var roomId = await CreateRoomAsync(alice, new JsonObject { ["room_alias_name"] = localpart, ["preset"] = "public_chat" });

        (await alice.StateContentAsync(roomId, "m.room.canonical_alias"))["alias"]!.GetValue<string>().Should().Be(alias);
        (await (await GetAliasAsync(alias)).ReadJsonObjectAsync())["room_id"]!.GetValue<string>().Should().Be(roomId);
        (await AliasesOfAsync(alice, roomId)).Should().Equal(alias);
    }

    [Fact]
    public async Task CreateRoom_with_a_taken_alias_creates_no_room()
    {
        var alice = await NewUserAsync();
        var localpart = $"taken{Guid.NewGuid():N}";
        await CreateRoomAsync(alice, new JsonObject { ["room_alias_name"] = localpart });

        fixture.Host.Time.Advance(TimeSpan.FromMilliseconds(1));
        await (await alice.SendAsync(HttpMethod.Post, "/createRoom", new JsonObject { ["room_alias_name"] = localpart }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.RoomInUse);
        (await alice.OkAsync(HttpMethod.Get, "/joined_rooms"))["joined_rooms"]!.AsArray().Should().HaveCount(1);
        await (await alice.SendAsync(HttpMethod.Post, "/createRoom", new JsonObject { ["room_alias_name"] = 7 }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
    }

    [Fact]
    public async Task Join_and_knock_resolve_local_aliases()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var publicLocalpart = $"open{Guid.NewGuid():N}";
        var publicRoom = await CreateRoomAsync(alice, new JsonObject { ["room_alias_name"] = publicLocalpart, ["preset"] = "public_chat" });
        var knockRoom = await CreateRoomAsync(alice, new JsonObject
        {
            ["initial_state"] = new JsonArray(new JsonObject { ["type"] = "m.room.join_rules", ["content"] = new JsonObject { ["join_rule"] = "knock" } }),
        });
        var knockAlias = NewAlias("knock");
        await PutAliasAsync(alice, knockAlias, knockRoom);

        (await bob.OkAsync(HttpMethod.Post, $"/join/{Esc($"#{publicLocalpart}:{TestHost.ServerName}")}", new JsonObject()))["room_id"]!
            .GetValue<string>().Should().Be(publicRoom);
        (await alice.StateContentAsync(publicRoom, "m.room.member", bob.UserId))["membership"]!.GetValue<string>().Should().Be("join");
        (await bob.OkAsync(HttpMethod.Post, $"/knock/{Esc(knockAlias)}", new JsonObject()))["room_id"]!.GetValue<string>().Should().Be(knockRoom);
        (await alice.StateContentAsync(knockRoom, "m.room.member", bob.UserId))["membership"]!.GetValue<string>().Should().Be("knock");
        await (await bob.SendAsync(HttpMethod.Post, $"/join/{Esc(NewAlias())}", new JsonObject())).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await bob.SendAsync(HttpMethod.Post, $"/join/{Esc("#lounge:elsewhere.example")}", new JsonObject())).ShouldBeMatrixErrorAsync(502, ErrorCodes.Unknown);
    }

    [Fact]
    public async Task A_canonical_alias_event_may_name_only_local_aliases_of_the_room()
    {
        var alice = await NewUserAsync();
        var roomId = await CreateRoomAsync(alice);
        var otherRoom = await CreateRoomAsync(alice);
        var alias = NewAlias();
        var othersAlias = NewAlias();
        await PutAliasAsync(alice, alias, roomId);
        await PutAliasAsync(alice, othersAlias, otherRoom);
        var path = $"/rooms/{Esc(roomId)}/state/m.room.canonical_alias";

        await alice.OkAsync(HttpMethod.Put, path, new JsonObject { ["alias"] = alias, ["alt_aliases"] = new JsonArray("#elsewhere:remote.example") });
        await (await alice.SendAsync(HttpMethod.Put, path, new JsonObject { ["alias"] = othersAlias })).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadAlias);
        await (await alice.SendAsync(HttpMethod.Put, path, new JsonObject { ["alt_aliases"] = new JsonArray(NewAlias()) }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.BadAlias);
        await (await alice.SendAsync(HttpMethod.Put, path, new JsonObject { ["alias"] = "not an alias" })).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await alice.SendAsync(HttpMethod.Put, path, new JsonObject { ["alt_aliases"] = "x" })).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        (await alice.StateContentAsync(roomId, "m.room.canonical_alias"))["alias"]!.GetValue<string>().Should().Be(alias);
        await alice.OkAsync(HttpMethod.Put, path, new JsonObject());
    }
}
