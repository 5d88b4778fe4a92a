using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Rooms.RoomUser;

namespace Homeserver.Tests.ClientApi.Rooms;

/// <summary><c>GET /rooms/{roomId}/members</c> with <c>at</c> (the membership as of a token) and combined filters.</summary>
public class RoomMembersAtTests(RoomsFixture fixture) : IClassFixture<RoomsFixture>
{
    private Task<RoomUser> NewUserAsync() => RoomUser.RegisterAsync(fixture.Client, "mem");

    private static async Task<Dictionary<string, string>> MembersAsync(RoomUser user, string roomId, string query = "") =>
        (await user.OkAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/members{query}"))["chunk"]!.AsArray()
            .ToDictionary(e => e!["state_key"]!.GetValue<string>(), e => e!["content"]!["membership"]!.GetValue<string>());

    private static async Task<string> SyncTokenAsync(RoomUser user) =>
        (await user.OkAsync(HttpMethod.Get, "/sync?timeout=0"))["next_batch"]!.GetValue<string>();

    private async Task<string> NewRoomAsync(RoomUser creator)
    {
        fixture.Host.Time.Advance(TimeSpan.FromMilliseconds(1));
        return await creator.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
    }

    [Fact]
    public async Task At_a_token_the_members_are_those_of_that_point_in_the_timeline()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var carol = await NewUserAsync();
        var roomId = await NewRoomAsync(alice);
        var beforeBob = await SyncTokenAsync(alice);
        await bob.MembershipAsync(roomId, "join");
        var withBob = await SyncTokenAsync(alice);
        await carol.MembershipAsync(roomId, "join");
        await bob.MembershipAsync(roomId, "leave");

        (await MembersAsync(alice, roomId)).Should().Equal(new Dictionary<string, string>
        {
            [alice.UserId] = "join", [bob.UserId] = "leave", [carol.UserId] = "join",
        });
        (await MembersAsync(alice, roomId, $"?at={Esc(withBob)}")).Should().Equal(new Dictionary<string, string>
        {
            [alice.UserId] = "join", [bob.UserId] = "join",
        });
        (await MembersAsync(alice, roomId, $"?at={Esc(beforeBob)}")).Keys.Should().Equal(alice.UserId);
        (await MembersAsync(alice, roomId, $"?at={Esc(withBob)}&membership=join")).Keys.Should().BeEquivalentTo([alice.UserId, bob.UserId]);
        // A /messages token (t{position}) works as well; t0 is before the room existed.
        (await MembersAsync(alice, roomId, "?at=t0")).Should().BeEmpty();
    }

    [Fact]
    public async Task A_former_member_sees_the_members_as_of_their_leave_even_with_a_later_token()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var carol = await NewUserAsync();
        var dave = await NewUserAsync();
        var roomId = await NewRoomAsync(alice);
        await bob.MembershipAsync(roomId, "join");
        var withBob = await SyncTokenAsync(alice);
        await carol.MembershipAsync(roomId, "join");
        await bob.MembershipAsync(roomId, "leave");
        await dave.MembershipAsync(roomId, "join");
        var latest = await SyncTokenAsync(alice);

        var expectedAtLeave = new Dictionary<string, string> { [alice.UserId] = "join", [bob.UserId] = "leave", [carol.UserId] = "join" };
        (await MembersAsync(bob, roomId)).Should().Equal(expectedAtLeave);
        (await MembersAsync(bob, roomId, $"?at={Esc(latest)}")).Should().Equal(expectedAtLeave);
        (await MembersAsync(bob, roomId, $"?at={Esc(withBob)}")).Should().Equal(new Dictionary<string, string>
        {
            [alice.UserId] = "join", [bob.UserId] = "join",
        });
        (await MembersAsync(alice, roomId)).Should().ContainKey(dave.UserId);
    }

    [Fact]
    public async Task Membership_and_not_membership_together_are_an_or()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var carol = await NewUserAsync();
        var roomId = await NewRoomAsync(alice);
        await bob.MembershipAsync(roomId, "join");
        await bob.MembershipAsync(roomId, "leave");
        await alice.MembershipAsync(roomId, "invite", new JsonObject { ["user_id"] = carol.UserId });

        (await MembersAsync(alice, roomId, "?not_membership=leave")).Keys.Should().BeEquivalentTo([alice.UserId, carol.UserId]);
        (await MembersAsync(alice, roomId, "?membership=leave")).Keys.Should().BeEquivalentTo([bob.UserId]);
        // leave, or anything but join: bob (leave) and carol (invite).
        (await MembersAsync(alice, roomId, "?membership=leave&not_membership=join")).Keys.Should().BeEquivalentTo([bob.UserId, carol.UserId]);
        // join, or anything but invite: everyone but carol.
        (await MembersAsync(alice, roomId, "?membership=join&not_membership=invite")).Keys.Should().BeEquivalentTo([alice.UserId, bob.UserId]);
    }

    [Fact]
    public async Task Bad_tokens_and_filters_and_strangers_are_refused()
    {
        var alice = await NewUserAsync();
        var stranger = await NewUserAsync();
        var roomId = await NewRoomAsync(alice);
        var path = $"/rooms/{Esc(roomId)}/members";

        await (await alice.SendAsync(HttpMethod.Get, $"{path}?at=yesterday")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await alice.SendAsync(HttpMethod.Get, $"{path}?at=t-1")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await alice.SendAsync(HttpMethod.Get, $"{path}?not_membership=gone")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await stranger.SendAsync(HttpMethod.Get, $"{path}?at=t0")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await alice.SendAsync(HttpMethod.Get, "/rooms/%21unknown%3Atest.example/members")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
    }
}
