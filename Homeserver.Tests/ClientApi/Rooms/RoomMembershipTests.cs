using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Rooms.RoomUser;

namespace Homeserver.Tests.ClientApi.Rooms;

public class RoomMembershipTests(RoomsFixture fixture) : IClassFixture<RoomsFixture>
{
    private Task<RoomUser> NewUserAsync() => RoomUser.RegisterAsync(fixture.Client);

    private static async Task<List<string>> JoinedRoomsAsync(RoomUser user) =>
        (await user.OkAsync(HttpMethod.Get, "/joined_rooms"))["joined_rooms"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();

    private static async Task<string?> MembershipOfAsync(RoomUser reader, string roomId, string userId)
    {
        var response = await reader.SendAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/state/m.room.member/{Esc(userId)}");
        return response.IsSuccessStatusCode ? (await response.ReadJsonObjectAsync())["membership"]!.GetValue<string>() : null;
    }

    [Fact]
    public async Task Invite_join_and_leave_a_private_room()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync();

        await (await bob.SendAsync(HttpMethod.Post, $"/rooms/{Esc(roomId)}/join", new JsonObject())).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await alice.MembershipAsync(roomId, "invite", new JsonObject { ["user_id"] = bob.UserId, ["reason"] = "welcome" });
        (await alice.StateContentAsync(roomId, "m.room.member", bob.UserId))["reason"]!.GetValue<string>().Should().Be("welcome");
        (await bob.MembershipAsync(roomId, "join"))["room_id"]!.GetValue<string>().Should().Be(roomId);
        (await JoinedRoomsAsync(bob)).Should().Equal(roomId);

        await bob.SendMessageAsync(roomId, "hi");
        await bob.MembershipAsync(roomId, "leave", new JsonObject { ["reason"] = "bye" });
        (await JoinedRoomsAsync(bob)).Should().BeEmpty();
        await (await bob.SendAsync(HttpMethod.Put, $"/rooms/{Esc(roomId)}/send/m.room.message/t9", new JsonObject { ["body"] = "x" }))
            .ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await bob.SendAsync(HttpMethod.Post, $"/rooms/{Esc(roomId)}/leave", new JsonObject())).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task Join_by_room_id_path_works_without_a_body_and_aliases_are_not_found()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });

        var response = await fixture.Client.SendAsync(TestHost.Request(HttpMethod.Post, $"{Accounts.AccountRequests.V3}/join/{Esc(roomId)}", bob.Token));
        ((int)response.StatusCode).Should().Be(200, await response.Content.ReadAsStringAsync());
        (await MembershipOfAsync(alice, roomId, bob.UserId)).Should().Be("join");
        await (await bob.SendAsync(HttpMethod.Post, $"/join/{Esc("#lounge:test.example")}", new JsonObject())).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await bob.SendAsync(HttpMethod.Post, $"/join/{Esc("!abc:elsewhere.example")}", new JsonObject())).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Kick_ban_and_unban()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await bob.MembershipAsync(roomId, "join");

        await (await bob.SendAsync(HttpMethod.Post, $"/rooms/{Esc(roomId)}/kick", new JsonObject { ["user_id"] = alice.UserId }))
            .ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await alice.MembershipAsync(roomId, "kick", new JsonObject { ["user_id"] = bob.UserId, ["reason"] = "calm down" });
        (await MembershipOfAsync(alice, roomId, bob.UserId)).Should().Be("leave");
        await bob.MembershipAsync(roomId, "join");

        await alice.MembershipAsync(roomId, "ban", new JsonObject { ["user_id"] = bob.UserId });
        (await MembershipOfAsync(alice, roomId, bob.UserId)).Should().Be("ban");
        await (await bob.SendAsync(HttpMethod.Post, $"/rooms/{Esc(roomId)}/join", new JsonObject())).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);

        await alice.MembershipAsync(roomId, "unban", new JsonObject { ["user_id"] = bob.UserId });
        (await MembershipOfAsync(alice, roomId, bob.UserId)).Should().Be("leave");
        await (await alice.SendAsync(HttpMethod.Post, $"/rooms/{Esc(roomId)}/unban", new JsonObject { ["user_id"] = bob.UserId }))
            .ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await bob.MembershipAsync(roomId, "join");
        await (await alice.SendAsync(HttpMethod.Post, $"/rooms/{Esc(roomId)}/ban", new JsonObject())).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
    }

    [Fact]
    public async Task Members_are_listed_with_filters_and_joined_members_with_profiles()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var carol = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["invite"] = new JsonArray(bob.UserId, carol.UserId) });
        await bob.MembershipAsync(roomId, "join");

        async Task<List<string>> MembersAsync(string query) =>
            (await alice.OkAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/members{query}"))["chunk"]!.AsArray()
                .Select(e => e!["state_key"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();

        (await MembersAsync("")).Should().BeEquivalentTo([alice.UserId, bob.UserId, carol.UserId]);
        (await MembersAsync("?membership=join")).Should().BeEquivalentTo([alice.UserId, bob.UserId]);
        (await MembersAsync("?not_membership=join")).Should().BeEquivalentTo([carol.UserId]);
        await (await alice.SendAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/members?membership=party")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);

        var joined = (await alice.OkAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/joined_members"))["joined"]!.AsObject();
        joined.Select(p => p.Key).Should().BeEquivalentTo([alice.UserId, bob.UserId]);
        await (await carol.SendAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/joined_members")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task Knocking_on_a_knock_room_then_being_let_in()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var knockRoom = await alice.CreateRoomAsync(new JsonObject
        {
            ["initial_state"] = new JsonArray(new JsonObject { ["type"] = "m.room.join_rules", ["content"] = new JsonObject { ["join_rule"] = "knock" } }),
        });
        fixture.Host.Time.Advance(TimeSpan.FromMilliseconds(1));
        var inviteRoom = await alice.CreateRoomAsync();

        (await bob.OkAsync(HttpMethod.Post, $"/knock/{Esc(knockRoom)}", new JsonObject { ["reason"] = "let me in" }))["room_id"]!.GetValue<string>()
            .Should().Be(knockRoom);
        (await alice.StateContentAsync(knockRoom, "m.room.member", bob.UserId))["membership"]!.GetValue<string>().Should().Be("knock");
        await (await bob.SendAsync(HttpMethod.Post, $"/knock/{Esc(inviteRoom)}", new JsonObject())).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);

        await alice.MembershipAsync(knockRoom, "invite", new JsonObject { ["user_id"] = bob.UserId });
        await bob.MembershipAsync(knockRoom, "join");
        (await JoinedRoomsAsync(bob)).Should().Equal(knockRoom);
    }

    [Fact]
    public async Task Forget_needs_the_user_to_have_left()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await bob.MembershipAsync(roomId, "join");

        await (await bob.SendAsync(HttpMethod.Post, $"/rooms/{Esc(roomId)}/forget", new JsonObject())).ShouldBeMatrixErrorAsync(400, ErrorCodes.Unknown);
        await bob.MembershipAsync(roomId, "leave");
        var filter = Uri.EscapeDataString("""{"room":{"include_leave":true}}""");
        var beforeForget = await bob.OkAsync(HttpMethod.Get, $"/sync?filter={filter}");
        beforeForget["rooms"]!["leave"]!.AsObject().ContainsKey(roomId).Should().BeTrue();
        await bob.MembershipAsync(roomId, "forget");
        (await JoinedRoomsAsync(bob)).Should().BeEmpty();
        // The spec: a forgotten room never appears in /sync again, not even with include_leave.
        var afterForget = await bob.OkAsync(HttpMethod.Get, $"/sync?filter={filter}");
        afterForget["rooms"]!["leave"]!.AsObject().ContainsKey(roomId).Should().BeFalse();
        await bob.MembershipAsync(roomId, "join");
        (await JoinedRoomsAsync(bob)).Should().Equal(roomId);
    }
}

public class GuestRoomAccessTests(RoomsFixture fixture) : IClassFixture<RoomsFixture>
{
    [Fact]
    public async Task Guests_join_only_rooms_allowing_guests_and_cannot_create_or_moderate()
    {
        var alice = await RoomUser.RegisterAsync(fixture.Client);
        var guest = await RoomUser.RegisterGuestAsync(fixture.Client);
        var privateRoom = await alice.CreateRoomAsync(new JsonObject
        {
            ["initial_state"] = new JsonArray(new JsonObject { ["type"] = "m.room.join_rules", ["content"] = new JsonObject { ["join_rule"] = "public" } }),
        });
        fixture.Host.Time.Advance(TimeSpan.FromMilliseconds(1));
        var publicRoom = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });

        await guest.MembershipAsync(privateRoom, "join");
        await guest.SendMessageAsync(privateRoom, "hello as a guest");
        await (await guest.SendAsync(HttpMethod.Post, $"/rooms/{Esc(publicRoom)}/join", new JsonObject()))
            .ShouldBeMatrixErrorAsync(403, ErrorCodes.GuestAccessForbidden);
        await (await guest.SendAsync(HttpMethod.Post, "/createRoom", new JsonObject())).ShouldBeMatrixErrorAsync(403, ErrorCodes.GuestAccessForbidden);
        await (await guest.SendAsync(HttpMethod.Post, $"/rooms/{Esc(privateRoom)}/invite", new JsonObject { ["user_id"] = alice.UserId }))
            .ShouldBeMatrixErrorAsync(403, ErrorCodes.GuestAccessForbidden);
    }
}

public class MemberProfileTests(RoomsFixture fixture) : IClassFixture<RoomsFixture>
{
    [Fact]
    public async Task Joins_carry_the_profile_and_a_profile_change_updates_joined_rooms()
    {
        var alice = await RoomUser.RegisterAsync(fixture.Client);
        var roomId = await alice.CreateRoomAsync();
        var localpart = alice.UserId[1..alice.UserId.IndexOf(':')];

        var joined = (await alice.OkAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/joined_members"))["joined"]!;
        joined[alice.UserId]!["display_name"]!.GetValue<string>().Should().Be(localpart);

        await alice.OkAsync(HttpMethod.Put, $"/profile/{Esc(alice.UserId)}/displayname", new JsonObject { ["displayname"] = "Alice" });
        var member = await alice.StateContentAsync(roomId, "m.room.member", alice.UserId);
        member["displayname"]!.GetValue<string>().Should().Be("Alice");
        member["membership"]!.GetValue<string>().Should().Be("join");
    }
}
