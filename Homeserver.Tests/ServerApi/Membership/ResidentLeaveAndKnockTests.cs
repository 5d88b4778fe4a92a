using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Membership;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ServerApi.Membership.MembershipTestHosts;

namespace Homeserver.Tests.ServerApi.Membership;

/// <summary>make_leave/send_leave and make_knock/send_knock served by a.test to a test remote server.</summary>
public sealed class ResidentLeaveAndKnockTests(ResidentFixture fixture) : IClassFixture<ResidentFixture>
{
    private const string Bob = "@bob:remote.test";

    private static string E(string value) => FederationPath.Segment(value);

    private async Task<JsonObject> OkAsync(HttpMethod method, string path, JsonObject? body = null)
    {
        var response = await fixture.FederationAsync(method, path, body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonObjectAsync();
    }

    private async Task HandshakeAsync(string make, string send, string roomId, string version, string query = "")
    {
        var made = await OkAsync(HttpMethod.Get, $"/_matrix/federation/v1/{make}/{E(roomId)}/{E(Bob)}{query}");
        var (ev, eventId) = SignTemplate(fixture.Remote, made["event"]!.AsObject(), version);
        await OkAsync(HttpMethod.Put, $"/_matrix/federation/{send}/{E(roomId)}/{E(eventId)}", ev);
    }

    [Fact]
    public async Task A_remote_user_leaves_through_make_leave_and_send_leave()
    {
        var alice = await fixture.RegisterAsync();
        var roomId = await alice.CreateRoomAsync("11");
        await HandshakeAsync("make_join", "v2/send_join", roomId, "11", "?" + AllVersionsQuery);

        var made = await OkAsync(HttpMethod.Get, $"/_matrix/federation/v1/make_leave/{E(roomId)}/{E(Bob)}");
        made["event"]!["content"]!["membership"]!.GetValue<string>().Should().Be("leave");
        var (leave, leaveId) = SignTemplate(fixture.Remote, made["event"]!.AsObject(), "11");
        (await OkAsync(HttpMethod.Put, $"/_matrix/federation/v2/send_leave/{E(roomId)}/{E(leaveId)}", leave)).Should().BeEmpty();

        (await alice.MembershipOfAsync(roomId, Bob)).Should().Be("leave");
    }

    [Fact]
    public async Task make_leave_for_a_user_who_is_not_in_the_room_is_forbidden()
    {
        var alice = await fixture.RegisterAsync();
        var roomId = await alice.CreateRoomAsync("11");
        var response = await fixture.FederationAsync(HttpMethod.Get, $"/_matrix/federation/v1/make_leave/{E(roomId)}/{E(Bob)}");
        await response.ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
    }

    [Fact]
    public async Task send_leave_refuses_a_join_event()
    {
        var alice = await fixture.RegisterAsync();
        var roomId = await alice.CreateRoomAsync("11");
        var made = await OkAsync(HttpMethod.Get, $"/_matrix/federation/v1/make_join/{E(roomId)}/{E(Bob)}?{AllVersionsQuery}");
        var (join, joinId) = SignTemplate(fixture.Remote, made["event"]!.AsObject(), "11");
        var response = await fixture.FederationAsync(HttpMethod.Put, $"/_matrix/federation/v2/send_leave/{E(roomId)}/{E(joinId)}", join);
        await response.ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_remote_user_knocks_and_gets_the_rooms_stripped_state()
    {
        var alice = await fixture.RegisterAsync();
        var roomId = await alice.CreateRoomAsync("10", joinRule: "knock");

        var made = await OkAsync(HttpMethod.Get, $"/_matrix/federation/v1/make_knock/{E(roomId)}/{E(Bob)}?ver=10");
        made["event"]!["content"]!["membership"]!.GetValue<string>().Should().Be("knock");
        var (knock, knockId) = SignTemplate(fixture.Remote, made["event"]!.AsObject(), "10");
        var answer = await OkAsync(HttpMethod.Put, $"/_matrix/federation/v1/send_knock/{E(roomId)}/{E(knockId)}", knock);

        var types = answer["knock_room_state"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).ToList();
        types.Should().Contain(["m.room.create", "m.room.join_rules"]);
        answer["knock_room_state"]!.AsArray().Should().OnlyContain(e => e!["signatures"] != null, "entries are full events (spec v1.16)");
        (await alice.MembershipOfAsync(roomId, Bob)).Should().Be("knock");
    }

    [Fact]
    public async Task make_knock_on_a_public_room_is_forbidden_and_on_an_old_version_incompatible()
    {
        var alice = await fixture.RegisterAsync();
        var publicRoom = await alice.CreateRoomAsync("10");
        await (await fixture.FederationAsync(HttpMethod.Get, $"/_matrix/federation/v1/make_knock/{E(publicRoom)}/{E(Bob)}?ver=10"))
            .ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");

        var oldRoom = await alice.CreateRoomAsync("6");
        var error = await (await fixture.FederationAsync(HttpMethod.Get, $"/_matrix/federation/v1/make_knock/{E(oldRoom)}/{E(Bob)}?ver=6"))
            .ShouldBeMatrixErrorAsync(400, "M_INCOMPATIBLE_ROOM_VERSION");
        error["room_version"]!.GetValue<string>().Should().Be("6");
    }
}
