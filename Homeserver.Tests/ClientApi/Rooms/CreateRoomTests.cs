using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Rooms.RoomUser;

namespace Homeserver.Tests.ClientApi.Rooms;

public class CreateRoomTests(RoomsFixture fixture) : IClassFixture<RoomsFixture>
{
    private Task<RoomUser> NewUserAsync() => RoomUser.RegisterAsync(fixture.Client);

    [Theory]
    [InlineData("private_chat", "invite", "can_join")]
    [InlineData("trusted_private_chat", "invite", "can_join")]
    [InlineData("public_chat", "public", "forbidden")]
    public async Task Presets_set_join_rules_history_visibility_and_guest_access(string preset, string joinRule, string guestAccess)
    {
        var alice = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = preset });

        (await alice.StateContentAsync(roomId, "m.room.join_rules"))["join_rule"]!.GetValue<string>().Should().Be(joinRule);
        (await alice.StateContentAsync(roomId, "m.room.history_visibility"))["history_visibility"]!.GetValue<string>().Should().Be("shared");
        (await alice.StateContentAsync(roomId, "m.room.guest_access"))["guest_access"]!.GetValue<string>().Should().Be(guestAccess);
        (await alice.StateContentAsync(roomId, "m.room.member", alice.UserId))["membership"]!.GetValue<string>().Should().Be("join");
    }

    [Fact]
    public async Task Visibility_public_defaults_to_the_public_chat_preset()
    {
        var alice = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["visibility"] = "public" });
        (await alice.StateContentAsync(roomId, "m.room.join_rules"))["join_rule"]!.GetValue<string>().Should().Be("public");
    }

    [Fact]
    public async Task Events_come_in_the_spec_order_with_name_topic_and_invites()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject
        {
            ["name"] = "Lounge",
            ["topic"] = "Chat",
            ["invite"] = new JsonArray(bob.UserId),
            ["is_direct"] = true,
            ["initial_state"] = new JsonArray(new JsonObject { ["type"] = "m.room.join_rules", ["content"] = new JsonObject { ["join_rule"] = "public" } }),
        });

        var state = (await alice.OkAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/state")).AsArray();
        state.Select(e => e!["type"]!.GetValue<string>()).Should().Equal(
            "m.room.create", "m.room.member", "m.room.power_levels", "m.room.history_visibility", "m.room.guest_access",
            "m.room.join_rules", "m.room.name", "m.room.topic", "m.room.member");
        (await alice.StateContentAsync(roomId, "m.room.join_rules"))["join_rule"]!.GetValue<string>().Should().Be("public", "initial_state beats the preset");
        (await alice.StateContentAsync(roomId, "m.room.name"))["name"]!.GetValue<string>().Should().Be("Lounge");
        (await alice.StateContentAsync(roomId, "m.room.topic"))["topic"]!.GetValue<string>().Should().Be("Chat");
        var invite = await alice.StateContentAsync(roomId, "m.room.member", bob.UserId);
        invite["membership"]!.GetValue<string>().Should().Be("invite");
        invite["is_direct"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task Room_version_12_is_the_default_and_creators_are_not_in_power_levels_users()
    {
        var alice = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["creation_content"] = new JsonObject { ["m.federate"] = false } });

        var create = await alice.StateContentAsync(roomId, "m.room.create");
        create["room_version"]!.GetValue<string>().Should().Be("12");
        create["m.federate"]!.GetValue<bool>().Should().BeFalse();
        var power = await alice.StateContentAsync(roomId, "m.room.power_levels");
        power["users"]!.AsObject().Should().BeEmpty();
        power["events"]!["m.room.tombstone"]!.GetValue<int>().Should().Be(150);
    }

    [Fact]
    public async Task Room_version_10_lists_the_creator_with_power_100_and_applies_the_override()
    {
        var alice = await NewUserAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject
        {
            ["room_version"] = "10",
            ["power_level_content_override"] = new JsonObject { ["events_default"] = 20 },
        });

        (await alice.StateContentAsync(roomId, "m.room.create"))["room_version"]!.GetValue<string>().Should().Be("10");
        var power = await alice.StateContentAsync(roomId, "m.room.power_levels");
        power["users"]![alice.UserId]!.GetValue<int>().Should().Be(100);
        power["events_default"]!.GetValue<int>().Should().Be(20);
        power["state_default"]!.GetValue<int>().Should().Be(50);
    }

    [Fact]
    public async Task Trusted_private_chat_gives_invitees_the_creators_power()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var v10 = await alice.CreateRoomAsync(new JsonObject
        {
            ["room_version"] = "10", ["preset"] = "trusted_private_chat", ["invite"] = new JsonArray(bob.UserId),
        });
        (await alice.StateContentAsync(v10, "m.room.power_levels"))["users"]![bob.UserId]!.GetValue<int>().Should().Be(100);

        var v12 = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "trusted_private_chat", ["invite"] = new JsonArray(bob.UserId) });
        (await alice.StateContentAsync(v12, "m.room.create"))["additional_creators"]!.AsArray().Select(n => n!.GetValue<string>())
            .Should().Equal(bob.UserId);
    }

    [Fact]
    public async Task An_unsupported_room_version_is_refused_before_anything_is_written()
    {
        var alice = await NewUserAsync();
        var response = await alice.SendAsync(HttpMethod.Post, "/createRoom", new JsonObject { ["room_version"] = "99" });
        await response.ShouldBeMatrixErrorAsync(400, ErrorCodes.UnsupportedRoomVersion);
        (await alice.OkAsync(HttpMethod.Get, "/joined_rooms"))["joined_rooms"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task Invalid_requests_are_refused_with_400()
    {
        var alice = await NewUserAsync();
        await (await alice.SendAsync(HttpMethod.Post, "/createRoom", new JsonObject { ["room_alias_name"] = "a:b" }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await alice.SendAsync(HttpMethod.Post, "/createRoom", new JsonObject { ["preset"] = "party" }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await alice.SendAsync(HttpMethod.Post, "/createRoom", new JsonObject { ["invite"] = new JsonArray("not a user") }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await alice.SendAsync(HttpMethod.Post, "/createRoom", new JsonObject { ["name"] = 5 }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
        await (await alice.SendAsync(HttpMethod.Post, "/createRoom", new JsonObject { ["initial_state"] = new JsonArray(new JsonObject { ["type"] = "x" }) }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
        (await alice.OkAsync(HttpMethod.Get, "/joined_rooms"))["joined_rooms"]!.AsArray().Should().BeEmpty();
    }
}

public class IdenticalCreateRoomTests(RoomsFixture fixture) : IClassFixture<RoomsFixture>
{
    [Fact]
    public async Task The_same_v12_room_twice_in_one_millisecond_is_a_clear_error()
    {
        var alice = await RoomUser.RegisterAsync(fixture.Client);
        var body = new JsonObject { ["name"] = "twin" };
        await alice.CreateRoomAsync(body);
        await (await alice.SendAsync(HttpMethod.Post, "/createRoom", body)).ShouldBeMatrixErrorAsync(400, ErrorCodes.RoomInUse);
        fixture.Host.Time.Advance(TimeSpan.FromMilliseconds(1));
        await alice.CreateRoomAsync(body);
    }
}
