using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Tests.ClientApi.Rooms;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ServerApi.Membership.MembershipTestHosts;

namespace Homeserver.Tests.ServerApi.Membership;

/// <summary>make_join and send_join served by a.test to a test remote server.</summary>
public sealed class ResidentJoinTests(ResidentFixture fixture) : IClassFixture<ResidentFixture>
{
    private const string Bob = "@bob:remote.test";

    private static string E(string value) => Homeserver.Federation.Membership.FederationPath.Segment(value);

    private async Task<JsonObject> MakeJoinAsync(string roomId, string userId = Bob, string? query = null)
    {
        var response = await fixture.FederationAsync(HttpMethod.Get, $"/_matrix/federation/v1/make_join/{E(roomId)}/{E(userId)}?{query ?? AllVersionsQuery}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonObjectAsync();
    }

    [Theory]
    [InlineData("10")]
    [InlineData("11")]
    [InlineData("12")]
    public async Task A_remote_user_joins_through_make_join_and_send_join(string version)
    {
        var alice = await fixture.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(version);

        var made = await MakeJoinAsync(roomId);
        made["room_version"]!.GetValue<string>().Should().Be(version);
        var template = made["event"]!.AsObject();
        template["room_id"]!.GetValue<string>().Should().Be(roomId);
        template["type"]!.GetValue<string>().Should().Be("m.room.member");
        template["sender"]!.GetValue<string>().Should().Be(Bob);
        template["state_key"]!.GetValue<string>().Should().Be(Bob);
        template["content"]!["membership"]!.GetValue<string>().Should().Be("join");
        template["prev_events"]!.AsArray().Should().NotBeEmpty();
        template["auth_events"]!.AsArray().Should().NotBeEmpty();

        var (join, eventId) = SignTemplate(fixture.Remote, template, version);
        var response = await fixture.FederationAsync(HttpMethod.Put, $"/_matrix/federation/v2/send_join/{E(roomId)}/{E(eventId)}", join);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var answer = await response.ReadJsonObjectAsync();
        answer["origin"]!.GetValue<string>().Should().Be(ResidentFixture.ServerName);
        answer["members_omitted"]!.GetValue<bool>().Should().BeFalse();
        answer["servers_in_room"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal(ResidentFixture.ServerName);
        var stateTypes = answer["state"]!.AsArray().Select(e => (e!["type"]!.GetValue<string>(), e["state_key"]!.GetValue<string>())).ToList();
        stateTypes.Should().Contain([("m.room.create", ""), ("m.room.power_levels", ""), ("m.room.join_rules", ""), ("m.room.member", alice.UserId)]);
        stateTypes.Should().NotContain(("m.room.member", Bob), "the state is the state before the join");
        answer["auth_chain"]!.AsArray().Should().NotBeEmpty();
        answer.ContainsKey("event").Should().BeFalse("only a join this server vouched for comes back signed");

        (await alice.MembershipOfAsync(roomId, Bob)).Should().Be("join");
    }

    [Fact]
    public async Task make_join_for_a_user_of_another_server_is_forbidden()
    {
        var alice = await fixture.RegisterAsync();
        var roomId = await alice.CreateRoomAsync("11");
        var response = await fixture.FederationAsync(HttpMethod.Get,
            $"/_matrix/federation/v1/make_join/{E(roomId)}/{E("@mallory:elsewhere.test")}?{AllVersionsQuery}");
        await response.ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
    }

    [Fact]
    public async Task make_join_without_the_room_version_in_ver_is_incompatible()
    {
        var alice = await fixture.RegisterAsync();
        var roomId = await alice.CreateRoomAsync("12");
        var response = await fixture.FederationAsync(HttpMethod.Get, $"/_matrix/federation/v1/make_join/{E(roomId)}/{E(Bob)}?ver=10&ver=11");
        var error = await response.ShouldBeMatrixErrorAsync(400, "M_INCOMPATIBLE_ROOM_VERSION");
        error["room_version"]!.GetValue<string>().Should().Be("12");
    }

    [Fact]
    public async Task make_join_for_an_unknown_room_is_not_found()
    {
        var response = await fixture.FederationAsync(HttpMethod.Get,
            $"/_matrix/federation/v1/make_join/{E("!nowhere:a.test")}/{E(Bob)}?{AllVersionsQuery}");
        await response.ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task make_join_to_an_invite_only_room_is_forbidden()
    {
        var alice = await fixture.RegisterAsync();
        var roomId = await alice.CreateRoomAsync("11", joinRule: "invite");
        var response = await fixture.FederationAsync(HttpMethod.Get, $"/_matrix/federation/v1/make_join/{E(roomId)}/{E(Bob)}?{AllVersionsQuery}");
        await response.ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
    }

    [Fact]
    public async Task send_join_with_an_event_id_or_room_id_other_than_the_path_is_refused()
    {
        var alice = await fixture.RegisterAsync();
        var roomId = await alice.CreateRoomAsync("11");
        var otherRoom = await alice.CreateRoomAsync("11");
        var (join, eventId) = SignTemplate(fixture.Remote, (await MakeJoinAsync(roomId))["event"]!.AsObject(), "11");

        var wrongId = await fixture.FederationAsync(HttpMethod.Put, $"/_matrix/federation/v2/send_join/{E(roomId)}/{E("$other")}", join);
        await wrongId.ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
        var wrongRoom = await fixture.FederationAsync(HttpMethod.Put, $"/_matrix/federation/v2/send_join/{E(otherRoom)}/{E(eventId)}", join);
        await wrongRoom.ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
        (await alice.MembershipOfAsync(roomId, Bob)).Should().BeNull();
    }

    [Fact]
    public async Task send_join_refuses_other_memberships_other_senders_and_bad_signatures()
    {
        var alice = await fixture.RegisterAsync();
        var roomId = await alice.CreateRoomAsync("11");
        var template = (await MakeJoinAsync(roomId))["event"]!.AsObject();

        var leaveTemplate = template.DeepClone().AsObject();
        leaveTemplate["content"] = new JsonObject { ["membership"] = "leave" };
        var (leave, leaveId) = SignTemplate(fixture.Remote, leaveTemplate, "11");
        await (await fixture.FederationAsync(HttpMethod.Put, $"/_matrix/federation/v2/send_join/{E(roomId)}/{E(leaveId)}", leave))
            .ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");

        var otherTemplate = template.DeepClone().AsObject();
        otherTemplate["sender"] = "@carol:elsewhere.test";
        otherTemplate["state_key"] = "@carol:elsewhere.test";
        var (other, otherId) = SignTemplate(fixture.Remote, otherTemplate, "11");
        await (await fixture.FederationAsync(HttpMethod.Put, $"/_matrix/federation/v2/send_join/{E(roomId)}/{E(otherId)}", other))
            .ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");

        var (join, joinId) = SignTemplate(fixture.Remote, template, "11");
        join["signatures"]![fixture.Remote.Name]![fixture.Remote.Key.KeyId] = "AAAA" + join["signatures"]![fixture.Remote.Name]![fixture.Remote.Key.KeyId]!.GetValue<string>()[4..];
        await (await fixture.FederationAsync(HttpMethod.Put, $"/_matrix/federation/v2/send_join/{E(roomId)}/{E(joinId)}", join))
            .ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");

        (await alice.MembershipOfAsync(roomId, Bob)).Should().BeNull();
    }

    [Fact]
    public async Task A_restricted_room_is_joined_with_a_local_user_vouching_and_our_signature()
    {
        var alice = await fixture.RegisterAsync();
        var space = await alice.CreateRoomAsync("10");
        var restricted = await alice.CreateRoomAsync("10", joinRulesContent: new JsonObject
        {
            ["join_rule"] = "restricted",
            ["allow"] = new JsonArray(new JsonObject { ["type"] = "m.room_membership", ["room_id"] = space }),
        });

        var refused = await fixture.FederationAsync(HttpMethod.Get, $"/_matrix/federation/v1/make_join/{E(restricted)}/{E(Bob)}?{AllVersionsQuery}");
        await refused.ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");

        var (spaceJoin, spaceJoinId) = SignTemplate(fixture.Remote, (await MakeJoinAsync(space))["event"]!.AsObject(), "10");
        (await fixture.FederationAsync(HttpMethod.Put, $"/_matrix/federation/v2/send_join/{E(space)}/{E(spaceJoinId)}", spaceJoin))
            .StatusCode.Should().Be(HttpStatusCode.OK);

        var template = (await MakeJoinAsync(restricted))["event"]!.AsObject();
        template["content"]!["join_authorised_via_users_server"]!.GetValue<string>().Should().Be(alice.UserId);
        var (join, joinId) = SignTemplate(fixture.Remote, template, "10");
        var response = await fixture.FederationAsync(HttpMethod.Put, $"/_matrix/federation/v2/send_join/{E(restricted)}/{E(joinId)}", join);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var answer = await response.ReadJsonObjectAsync();
        answer["event"]!["signatures"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo([fixture.Remote.Name, ResidentFixture.ServerName]);
        (await alice.MembershipOfAsync(restricted, Bob)).Should().Be("join");
    }
}
