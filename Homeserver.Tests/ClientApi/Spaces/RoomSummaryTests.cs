using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.ClientApi.Accounts;
using Homeserver.Tests.ClientApi.Rooms;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Rooms.RoomUser;

namespace Homeserver.Tests.ClientApi.Spaces;

/// <summary>GET /_matrix/client/v1/room_summary/{roomIdOrAlias}: who sees which summary, with and without a token.</summary>
public class RoomSummaryTests(RoomsFixture fixture) : IClassFixture<RoomsFixture>
{
    private const string V1 = "/_matrix/client/v1";

    /// <summary>Creates a room a millisecond later than the last: identical rooms in the same millisecond are refused.</summary>
    private Task<string> CreateRoomAsync(RoomUser user, JsonObject body)
    {
        fixture.Host.Time.Advance(TimeSpan.FromMilliseconds(1));
        return user.CreateRoomAsync(body);
    }

    private Task<HttpResponseMessage> SummaryAsync(string roomIdOrAlias, RoomUser? user) =>
        fixture.Client.SendJsonAsync(HttpMethod.Get, $"{V1}/room_summary/{Esc(roomIdOrAlias)}", null, user?.Token);

    private async Task<JsonObject> OkSummaryAsync(string roomIdOrAlias, RoomUser? user)
    {
        var response = await SummaryAsync(roomIdOrAlias, user);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task Members_and_non_members_see_a_public_room_by_id_or_alias()
    {
        var alice = await RoomUser.RegisterAsync(fixture.Client, "summary");
        var bob = await RoomUser.RegisterAsync(fixture.Client, "summary");
        var aliasName = "summary" + Guid.NewGuid().ToString("N");
        var roomId = await CreateRoomAsync(alice, new JsonObject
        {
            ["preset"] = "public_chat", ["name"] = "Cheese", ["topic"] = "Tasty", ["room_alias_name"] = aliasName,
            ["creation_content"] = new JsonObject { ["type"] = "m.space" },
            ["initial_state"] = new JsonArray(new JsonObject
            {
                ["type"] = "m.room.encryption", ["state_key"] = "", ["content"] = new JsonObject { ["algorithm"] = "m.megolm.v1.aes-sha2" },
            }),
        });
        var alias = $"#{aliasName}:{TestHost.ServerName}";

        var member = await OkSummaryAsync(roomId, alice);
        ((string)member["room_id"]!).Should().Be(roomId);
        ((string)member["membership"]!).Should().Be("join");
        ((string)member["name"]!).Should().Be("Cheese");
        ((string)member["topic"]!).Should().Be("Tasty");
        ((string)member["canonical_alias"]!).Should().Be(alias);
        ((string)member["room_type"]!).Should().Be("m.space");
        ((string)member["join_rule"]!).Should().Be("public");
        ((string)member["encryption"]!).Should().Be("m.megolm.v1.aes-sha2");
        ((long)member["num_joined_members"]!).Should().Be(1);
        ((bool)member["world_readable"]!).Should().BeFalse();
        ((bool)member["guest_can_join"]!).Should().BeFalse();
        ((string)member["room_version"]!).Should().NotBeNullOrEmpty();
        member.ContainsKey("allowed_room_ids").Should().BeFalse();

        var outsider = await OkSummaryAsync(alias, bob);
        ((string)outsider["room_id"]!).Should().Be(roomId);
        ((string)outsider["membership"]!).Should().Be("leave");

        var anonymous = await OkSummaryAsync(roomId, null);
        anonymous.ContainsKey("membership").Should().BeFalse();
        ((string)anonymous["name"]!).Should().Be("Cheese");

        // A banned user may no longer see the room, though anyone else may.
        await alice.MembershipAsync(roomId, "ban", new JsonObject { ["user_id"] = bob.UserId });
        await (await SummaryAsync(roomId, bob)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        (await OkSummaryAsync(alias, null))["room_id"]!.GetValue<string>().Should().Be(roomId);
    }

    [Fact]
    public async Task A_room_the_user_may_not_see_is_not_found_like_an_unknown_room()
    {
        var alice = await RoomUser.RegisterAsync(fixture.Client, "summary");
        var bob = await RoomUser.RegisterAsync(fixture.Client, "summary");
        var privateRoom = await CreateRoomAsync(alice, new JsonObject { ["preset"] = "private_chat", ["name"] = "Secret" });

        await (await SummaryAsync(privateRoom, bob)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await SummaryAsync(privateRoom, null)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await SummaryAsync($"!nothing{Guid.NewGuid():N}:{TestHost.ServerName}", bob)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await SummaryAsync($"#nothing{Guid.NewGuid():N}:{TestHost.ServerName}", bob)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await SummaryAsync("nonsense", bob)).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);

        // Invited, Bob sees it with his membership; a bad token is refused rather than treated as anonymous.
        await alice.MembershipAsync(privateRoom, "invite", new JsonObject { ["user_id"] = bob.UserId });
        ((string)(await OkSummaryAsync(privateRoom, bob))["membership"]!).Should().Be("invite");
        var badToken = await fixture.Client.SendJsonAsync(HttpMethod.Get, $"{V1}/room_summary/{Esc(privateRoom)}", null, "not-a-token");
        await badToken.ShouldBeMatrixErrorAsync(401, ErrorCodes.UnknownToken);

        // World-readable history makes the room visible to anyone, even without a token.
        await alice.OkAsync(HttpMethod.Put, $"/rooms/{Esc(privateRoom)}/state/m.room.history_visibility/", new JsonObject { ["history_visibility"] = "world_readable" });
        ((bool)(await OkSummaryAsync(privateRoom, null))["world_readable"]!).Should().BeTrue();
    }

    [Fact]
    public async Task A_restricted_room_is_seen_by_members_of_its_allowed_rooms_only()
    {
        var alice = await RoomUser.RegisterAsync(fixture.Client, "summary");
        var bob = await RoomUser.RegisterAsync(fixture.Client, "summary");
        var carol = await RoomUser.RegisterAsync(fixture.Client, "summary");
        var allowed = await CreateRoomAsync(alice, new JsonObject { ["preset"] = "public_chat" });
        await bob.MembershipAsync(allowed, "join");
        var restricted = await CreateRoomAsync(alice, new JsonObject { ["preset"] = "private_chat" });
        await alice.OkAsync(HttpMethod.Put, $"/rooms/{Esc(restricted)}/state/m.room.join_rules/", new JsonObject
        {
            ["join_rule"] = "restricted",
            ["allow"] = new JsonArray(new JsonObject { ["type"] = "m.room_membership", ["room_id"] = allowed }),
        });

        var seen = await OkSummaryAsync(restricted, bob);
        ((string)seen["join_rule"]!).Should().Be("restricted");
        seen["allowed_room_ids"]!.AsArray().Select(id => (string)id!).Should().Equal(allowed);
        ((string)seen["membership"]!).Should().Be("leave");
        await (await SummaryAsync(restricted, carol)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await SummaryAsync(restricted, null)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);

        // Knocking is open to anyone (in room versions with knocking).
        await alice.OkAsync(HttpMethod.Put, $"/rooms/{Esc(restricted)}/state/m.room.join_rules/", new JsonObject { ["join_rule"] = "knock" });
        ((string)(await OkSummaryAsync(restricted, null))["join_rule"]!).Should().Be("knock");
    }
}
