using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Tests.ClientApi.Rooms;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ServerApi.Membership;

/// <summary>Two homeservers, a.test and b.test, on an in-memory federation network: membership across them through the Client-Server API.</summary>
public sealed class FederatedMembershipTests(FederatedMembershipTests.Fixture fixture) : IClassFixture<FederatedMembershipTests.Fixture>
{
    public sealed class Fixture : IDisposable
    {
        public Fixture()
        {
            A = MembershipTestHosts.Create("a.test");
            B = MembershipTestHosts.Create("b.test");
            InMemoryFederationNetwork.Connect(A, B);
            ClientA = A.CreateClient();
            ClientB = B.CreateClient();
        }

        public TestHost A { get; }
        public TestHost B { get; }
        public HttpClient ClientA { get; }
        public HttpClient ClientB { get; }

        public void Dispose()
        {
            ClientA.Dispose();
            ClientB.Dispose();
            A.Dispose();
            B.Dispose();
        }
    }

    private static string E(string value) => RoomUser.Esc(value);

    [Theory]
    [InlineData("1")]
    [InlineData("3")]
    [InlineData("10")]
    [InlineData("11")]
    [InlineData("12")]
    public async Task A_user_of_b_joins_a_room_of_a_by_id_and_sees_its_state(string version)
    {
        var alice = await RoomUser.RegisterAsync(fixture.ClientA, "alice");
        var bob = await RoomUser.RegisterAsync(fixture.ClientB, "bob");
        var roomId = await alice.CreateRoomAsync(new JsonObject
        {
            ["room_version"] = version, ["preset"] = "public_chat", ["name"] = "Lounge " + version,
        });

        var joined = await bob.OkAsync(HttpMethod.Post, $"/join/{E(roomId)}?server_name=a.test", new JsonObject());
        joined["room_id"]!.GetValue<string>().Should().Be(roomId);

        var state = (await bob.OkAsync(HttpMethod.Get, $"/rooms/{E(roomId)}/state")).AsArray();
        var entries = state.Select(e => (e!["type"]!.GetValue<string>(), e["state_key"]!.GetValue<string>())).ToList();
        entries.Should().Contain([("m.room.create", ""), ("m.room.power_levels", ""), ("m.room.join_rules", ""), ("m.room.name", ""),
            ("m.room.member", alice.UserId), ("m.room.member", bob.UserId)]);
        (await bob.StateContentAsync(roomId, "m.room.name"))["name"]!.GetValue<string>().Should().Be("Lounge " + version);
        (await bob.OkAsync(HttpMethod.Get, "/joined_rooms"))["joined_rooms"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Contain(roomId);
        (await alice.MembershipOfAsync(roomId, bob.UserId)).Should().Be("join");
    }

    [Fact]
    public async Task A_user_of_a_is_invited_to_a_room_of_b_sees_it_in_sync_and_joins()
    {
        var bob = await RoomUser.RegisterAsync(fixture.ClientB, "bob");
        var carol = await RoomUser.RegisterAsync(fixture.ClientA, "carol");
        var roomId = await bob.CreateRoomAsync(new JsonObject { ["room_version"] = "11", ["preset"] = "private_chat", ["name"] = "Secret" });
        var since = (await carol.OkAsync(HttpMethod.Get, "/sync"))["next_batch"]!.GetValue<string>();

        await bob.MembershipAsync(roomId, "invite", new JsonObject { ["user_id"] = carol.UserId });
        (await bob.MembershipOfAsync(roomId, carol.UserId)).Should().Be("invite");

        var sync = (await carol.OkAsync(HttpMethod.Get, $"/sync?since={since}&timeout=0")).AsObject();
        var inviteState = sync["rooms"]!["invite"]![roomId]!["invite_state"]!["events"]!.AsArray();
        inviteState.Select(e => e!["type"]!.GetValue<string>()).Should().Contain(["m.room.create", "m.room.name", "m.room.member"]);
        inviteState.Should().Contain(e => e!["type"]!.GetValue<string>() == "m.room.member" && e["state_key"]!.GetValue<string>() == carol.UserId
            && e["content"]!["membership"]!.GetValue<string>() == "invite");
        since = sync["next_batch"]!.GetValue<string>();

        // No server given: the invite's sender's server is asked.
        await carol.OkAsync(HttpMethod.Post, $"/join/{E(roomId)}", new JsonObject());
        (await bob.MembershipOfAsync(roomId, carol.UserId)).Should().Be("join");
        (await carol.StateContentAsync(roomId, "m.room.name"))["name"]!.GetValue<string>().Should().Be("Secret");

        var after = (await carol.OkAsync(HttpMethod.Get, $"/sync?since={since}&timeout=0")).AsObject();
        after["rooms"]!["join"]!.AsObject().Should().ContainKey(roomId);
        after["rooms"]!["invite"]!.AsObject().Should().NotContainKey(roomId);
    }

    [Fact]
    public async Task A_user_of_a_rejects_an_invite_to_a_room_of_b()
    {
        var bob = await RoomUser.RegisterAsync(fixture.ClientB, "bob");
        var carol = await RoomUser.RegisterAsync(fixture.ClientA, "carol");
        var roomId = await bob.CreateRoomAsync(new JsonObject { ["room_version"] = "12", ["preset"] = "private_chat" });
        await bob.MembershipAsync(roomId, "invite", new JsonObject { ["user_id"] = carol.UserId });
        var since = (await carol.OkAsync(HttpMethod.Get, "/sync"))["next_batch"]!.GetValue<string>();

        await carol.MembershipAsync(roomId, "leave");

        (await bob.MembershipOfAsync(roomId, carol.UserId)).Should().Be("leave");
        var sync = (await carol.OkAsync(HttpMethod.Get, $"/sync?since={since}&timeout=0")).AsObject();
        sync["rooms"]!["leave"]!.AsObject().Should().ContainKey(roomId);
        (await carol.OkAsync(HttpMethod.Get, "/sync"))["rooms"]!["invite"]!.AsObject().Should().NotContainKey(roomId);
    }

    [Fact]
    public async Task A_user_of_b_knocks_on_a_room_of_a()
    {
        var alice = await RoomUser.RegisterAsync(fixture.ClientA, "alice");
        var bob = await RoomUser.RegisterAsync(fixture.ClientB, "bob");
        var roomId = await alice.CreateRoomAsync("10", joinRule: "knock");

        var knocked = await bob.OkAsync(HttpMethod.Post, $"/knock/{E(roomId)}?via=a.test", new JsonObject { ["reason"] = "let me in" });
        knocked["room_id"]!.GetValue<string>().Should().Be(roomId);

        (await alice.MembershipOfAsync(roomId, bob.UserId)).Should().Be("knock");
        (await alice.StateContentAsync(roomId, "m.room.member", bob.UserId))["reason"]!.GetValue<string>().Should().Be("let me in");
    }

    [Fact]
    public async Task A_user_of_b_who_joined_a_room_of_a_can_leave_it()
    {
        var alice = await RoomUser.RegisterAsync(fixture.ClientA, "alice");
        var bob = await RoomUser.RegisterAsync(fixture.ClientB, "bob");
        var roomId = await alice.CreateRoomAsync("11");
        await bob.OkAsync(HttpMethod.Post, $"/join/{E(roomId)}?server_name=a.test", new JsonObject());

        await bob.MembershipAsync(roomId, "leave");

        (await bob.OkAsync(HttpMethod.Get, "/joined_rooms"))["joined_rooms"]!.AsArray().Select(r => r!.GetValue<string>()).Should().NotContain(roomId);
    }

    [Fact]
    public async Task Joining_through_an_unreachable_server_fails_cleanly()
    {
        var alice = await RoomUser.RegisterAsync(fixture.ClientA, "alice");
        var bob = await RoomUser.RegisterAsync(fixture.ClientB, "bob");
        // A v12 room id names no server, so c.test (not on the network) is the only one to ask.
        var roomId = await alice.CreateRoomAsync("12");
        var response = await bob.SendAsync(HttpMethod.Post, $"/join/{E(roomId)}?server_name=c.test", new JsonObject());
        await response.ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
        (await alice.MembershipOfAsync(roomId, bob.UserId)).Should().BeNull();
    }
}
