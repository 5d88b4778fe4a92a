using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.ClientApi.Accounts;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Rooms.RoomUser;

namespace Homeserver.Tests.ClientApi.Rooms;

public class RoomUpgradeTests(RoomsFixture fixture) : IClassFixture<RoomsFixture>
{
    private Task<RoomUser> NewUserAsync() => RoomUser.RegisterAsync(fixture.Client, "upg");

    /// <summary>v12 room ids hash the create event (timestamp included): each room gets its own millisecond.</summary>
    private async Task<string> NewRoomAsync(RoomUser creator, JsonObject body)
    {
        fixture.Host.Time.Advance(TimeSpan.FromMilliseconds(1));
        return await creator.CreateRoomAsync(body);
    }

    private async Task<string> UpgradeAsync(RoomUser user, string roomId, JsonObject body)
    {
        fixture.Host.Time.Advance(TimeSpan.FromMilliseconds(1));
        return (await user.OkAsync(HttpMethod.Post, $"/rooms/{Esc(roomId)}/upgrade", body))["replacement_room"]!.GetValue<string>();
    }

    private static async Task<JsonObject> StateAsync(RoomUser user, string roomId, string type, string stateKey = "") =>
        (await user.StateContentAsync(roomId, type, stateKey)).AsObject();

    private static async Task SetUserLevelsAsync(RoomUser admin, string roomId, Dictionary<string, long> levels, Action<JsonObject>? change = null)
    {
        var content = await StateAsync(admin, roomId, "m.room.power_levels");
        foreach (var (user, level) in levels) content["users"]![user] = level;
        change?.Invoke(content);
        await admin.OkAsync(HttpMethod.Put, $"/rooms/{Esc(roomId)}/state/m.room.power_levels", content);
    }

    private static List<string> UserIds(JsonObject powerLevels) => [.. powerLevels["users"]!.AsObject().Select(u => u.Key)];

    [Fact]
    public async Task Upgrading_v10_to_v12_copies_state_moves_aliases_tombstones_and_restricts_the_old_room()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var carol = await NewUserAsync();
        var dave = await NewUserAsync();
        var localpart = $"upgrade{Guid.NewGuid():N}";
        var alias = $"#{localpart}:{TestHost.ServerName}";
        var oldRoom = await NewRoomAsync(alice, new JsonObject
        {
            ["room_version"] = "10", ["preset"] = "public_chat", ["name"] = "Old name", ["topic"] = "Old topic", ["room_alias_name"] = localpart,
            ["visibility"] = "public",
            ["creation_content"] = new JsonObject { ["type"] = "org.example.custom" },
        });
        await bob.MembershipAsync(oldRoom, "join");
        await dave.MembershipAsync(oldRoom, "join");
        await SetUserLevelsAsync(alice, oldRoom, new() { [bob.UserId] = 100, [dave.UserId] = 20 });
        await alice.MembershipAsync(oldRoom, "ban", new JsonObject { ["user_id"] = carol.UserId, ["reason"] = "spam" });
        await alice.OkAsync(HttpMethod.Put, $"/rooms/{Esc(oldRoom)}/state/m.room.avatar", new JsonObject { ["url"] = "mxc://test.example/avatar" });
        var lastOldEvent = await alice.SendMessageAsync(oldRoom, "last words");

        var newRoom = await UpgradeAsync(alice, oldRoom, new JsonObject { ["new_version"] = "12", ["additional_creators"] = new JsonArray(bob.UserId) });

        newRoom.Should().NotBe(oldRoom);
        var create = await StateAsync(alice, newRoom, "m.room.create");
        create["room_version"]!.GetValue<string>().Should().Be("12");
        create["type"]!.GetValue<string>().Should().Be("org.example.custom");
        create["predecessor"]!["room_id"]!.GetValue<string>().Should().Be(oldRoom);
        create["predecessor"]!["event_id"]!.GetValue<string>().Should().Be(lastOldEvent);
        create["additional_creators"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal(bob.UserId);

        // v12 creators have infinite power and must not be listed; other users keep their levels.
        var power = await StateAsync(alice, newRoom, "m.room.power_levels");
        UserIds(power).Should().NotContain([alice.UserId, bob.UserId]);
        power["users"]![dave.UserId]!.GetValue<long>().Should().Be(20);
        (await StateAsync(alice, newRoom, "m.room.name"))["name"]!.GetValue<string>().Should().Be("Old name");
        (await StateAsync(alice, newRoom, "m.room.topic"))["topic"]!.GetValue<string>().Should().Be("Old topic");
        (await StateAsync(alice, newRoom, "m.room.avatar"))["url"]!.GetValue<string>().Should().Be("mxc://test.example/avatar");
        (await StateAsync(alice, newRoom, "m.room.join_rules"))["join_rule"]!.GetValue<string>().Should().Be("public");
        (await StateAsync(alice, newRoom, "m.room.history_visibility"))["history_visibility"]!.GetValue<string>().Should().Be("shared");
        (await StateAsync(alice, newRoom, "m.room.guest_access"))["guest_access"]!.GetValue<string>().Should().Be("forbidden");
        (await StateAsync(alice, newRoom, "m.room.member", carol.UserId))["membership"]!.GetValue<string>().Should().Be("ban");
        (await StateAsync(alice, newRoom, "m.room.member", alice.UserId))["membership"]!.GetValue<string>().Should().Be("join");
        (await bob.SendAsync(HttpMethod.Get, $"/rooms/{Esc(newRoom)}/state/m.room.member/{Esc(bob.UserId)}")).IsSuccessStatusCode.Should().BeFalse(
            "members are not transferred");

        // Aliases and the canonical alias move to the new room.
        var resolved = await fixture.Client.SendJsonAsync(HttpMethod.Get, $"{Accounts.AccountRequests.V3}/directory/room/{Esc(alias)}", null);
        (await resolved.ReadJsonObjectAsync())["room_id"]!.GetValue<string>().Should().Be(newRoom);
        (await StateAsync(alice, newRoom, "m.room.canonical_alias"))["alias"]!.GetValue<string>().Should().Be(alias);
        (await StateAsync(alice, oldRoom, "m.room.canonical_alias")).Should().BeEmpty();
        // The room directory lists the replacement instead of the old room.
        (await alice.OkAsync(HttpMethod.Get, $"/directory/list/room/{Esc(newRoom)}"))["visibility"]!.GetValue<string>().Should().Be("public");
        (await alice.OkAsync(HttpMethod.Get, $"/directory/list/room/{Esc(oldRoom)}"))["visibility"]!.GetValue<string>().Should().Be("private");

        // The old room: tombstoned, and ordinary users can no longer talk or invite.
        var tombstone = await StateAsync(alice, oldRoom, "m.room.tombstone");
        tombstone["replacement_room"]!.GetValue<string>().Should().Be(newRoom);
        tombstone["body"]!.GetValue<string>().Should().NotBeEmpty();
        var oldPower = await StateAsync(alice, oldRoom, "m.room.power_levels");
        oldPower["events_default"]!.GetValue<long>().Should().Be(50);
        oldPower["invite"]!.GetValue<long>().Should().Be(50);
        await (await dave.SendAsync(HttpMethod.Put, $"/rooms/{Esc(oldRoom)}/send/m.room.message/after", new JsonObject { ["body"] = "hello?" }))
            .ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);

        // Bob, an additional creator of the new room, may join it and has a creator's power there.
        await bob.MembershipAsync(newRoom, "join");
        await bob.OkAsync(HttpMethod.Put, $"/rooms/{Esc(newRoom)}/state/m.room.name", new JsonObject { ["name"] = "New name" });
    }

    [Fact]
    public async Task Upgrading_v11_to_v12_by_an_admin_makes_them_the_creator_and_keeps_the_old_creator_as_a_listed_admin()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var oldRoom = await NewRoomAsync(alice, new JsonObject { ["room_version"] = "11", ["preset"] = "public_chat" });
        await bob.MembershipAsync(oldRoom, "join");
        await SetUserLevelsAsync(alice, oldRoom, new() { [bob.UserId] = 100 });

        var newRoom = await UpgradeAsync(bob, oldRoom, new JsonObject { ["new_version"] = "12" });

        var create = await StateAsync(bob, newRoom, "m.room.create");
        create["room_version"]!.GetValue<string>().Should().Be("12");
        create.ContainsKey("additional_creators").Should().BeFalse();
        create.ContainsKey("type").Should().BeFalse();
        create["predecessor"]!["room_id"]!.GetValue<string>().Should().Be(oldRoom);
        var power = await StateAsync(bob, newRoom, "m.room.power_levels");
        UserIds(power).Should().Equal(alice.UserId);
        power["users"]![alice.UserId]!.GetValue<long>().Should().Be(100);
        (await StateAsync(bob, oldRoom, "m.room.tombstone"))["replacement_room"]!.GetValue<string>().Should().Be(newRoom);
        newRoom.Should().NotContain(":", "v12 room ids are the create event's hash");
    }

    [Fact]
    public async Task Upgrading_v12_to_v11_gives_the_old_creators_a_listed_level_and_ignores_additional_creators()
    {
        var alice = await NewUserAsync();
        var oldRoom = await NewRoomAsync(alice, new JsonObject { ["room_version"] = "12" });

        var newRoom = await UpgradeAsync(alice, oldRoom, new JsonObject { ["new_version"] = "11", ["additional_creators"] = "ignored by v11" });

        var create = await StateAsync(alice, newRoom, "m.room.create");
        create["room_version"]!.GetValue<string>().Should().Be("11");
        create.ContainsKey("additional_creators").Should().BeFalse();
        (await StateAsync(alice, newRoom, "m.room.power_levels"))["users"]![alice.UserId]!.GetValue<long>().Should().Be(100);
        (await StateAsync(alice, newRoom, "m.room.join_rules"))["join_rule"]!.GetValue<string>().Should().Be("invite");
    }

    [Fact]
    public async Task A_moderator_allowed_to_tombstone_upgrades_with_the_levels_kept_and_the_old_power_levels_left_alone()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var oldRoom = await NewRoomAsync(alice, new JsonObject { ["room_version"] = "10", ["preset"] = "public_chat", ["name"] = "Kept" });
        await bob.MembershipAsync(oldRoom, "join");
        await SetUserLevelsAsync(alice, oldRoom, new() { [bob.UserId] = 50 }, c => c["events"]!["m.room.tombstone"] = 50);

        var newRoom = await UpgradeAsync(bob, oldRoom, new JsonObject { ["new_version"] = "11" });

        // Bob held the level needed to copy the state (history visibility needs 100) only while it was sent.
        var power = await StateAsync(bob, newRoom, "m.room.power_levels");
        power["users"]![bob.UserId]!.GetValue<long>().Should().Be(50);
        power["users"]![alice.UserId]!.GetValue<long>().Should().Be(100);
        (await StateAsync(bob, newRoom, "m.room.name"))["name"]!.GetValue<string>().Should().Be("Kept");
        (await StateAsync(bob, newRoom, "m.room.history_visibility"))["history_visibility"]!.GetValue<string>().Should().Be("shared");
        (await StateAsync(bob, oldRoom, "m.room.tombstone"))["replacement_room"]!.GetValue<string>().Should().Be(newRoom);
        // Changing the old room's power levels needs 100: they stay as they were.
        (await StateAsync(bob, oldRoom, "m.room.power_levels"))["events_default"]!.GetValue<long>().Should().Be(0);
    }

    [Fact]
    public async Task Join_rules_the_new_version_does_not_know_are_not_transferred()
    {
        var alice = await NewUserAsync();
        var oldRoom = await NewRoomAsync(alice, new JsonObject
        {
            ["room_version"] = "10",
            ["initial_state"] = new JsonArray(new JsonObject { ["type"] = "m.room.join_rules", ["content"] = new JsonObject { ["join_rule"] = "knock" } }),
        });

        var newRoom = await UpgradeAsync(alice, oldRoom, new JsonObject { ["new_version"] = "6" });

        await (await alice.SendAsync(HttpMethod.Get, $"/rooms/{Esc(newRoom)}/state/m.room.join_rules"))
            .ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        (await StateAsync(alice, newRoom, "m.room.create"))["room_version"]!.GetValue<string>().Should().Be("6");
    }

    [Fact]
    public async Task Refused_upgrades_change_nothing()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var stranger = await NewUserAsync();
        var guest = await RoomUser.RegisterGuestAsync(fixture.Client);
        var localpart = $"keep{Guid.NewGuid():N}";
        var roomId = await NewRoomAsync(alice, new JsonObject { ["room_version"] = "11", ["preset"] = "public_chat", ["room_alias_name"] = localpart });
        await bob.MembershipAsync(roomId, "join");
        var path = $"/rooms/{Esc(roomId)}/upgrade";

        await (await bob.SendAsync(HttpMethod.Post, path, new JsonObject { ["new_version"] = "12" })).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await stranger.SendAsync(HttpMethod.Post, path, new JsonObject { ["new_version"] = "12" })).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await guest.SendAsync(HttpMethod.Post, path, new JsonObject { ["new_version"] = "12" }))
            .ShouldBeMatrixErrorAsync(403, ErrorCodes.GuestAccessForbidden);
        await (await alice.SendAsync(HttpMethod.Post, path, new JsonObject { ["new_version"] = "999" }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.UnsupportedRoomVersion);
        await (await alice.SendAsync(HttpMethod.Post, path, new JsonObject())).ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
        await (await alice.SendAsync(HttpMethod.Post, path, new JsonObject { ["new_version"] = 12 })).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
        await (await alice.SendAsync(HttpMethod.Post, path, new JsonObject { ["new_version"] = "12", ["additional_creators"] = "x" }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
        await (await alice.SendAsync(HttpMethod.Post, path, new JsonObject { ["new_version"] = "12", ["additional_creators"] = new JsonArray("not a user") }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await alice.SendAsync(HttpMethod.Post, "/rooms/%21unknown%3Atest.example/upgrade", new JsonObject { ["new_version"] = "12" }))
            .ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await alice.SendAsync(HttpMethod.Post, "/rooms/not-a-room/upgrade", new JsonObject { ["new_version"] = "12" }))
            .ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);

        await (await alice.SendAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/state/m.room.tombstone")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        var resolved = await fixture.Client.SendJsonAsync(HttpMethod.Get, $"{Accounts.AccountRequests.V3}/directory/room/{Esc($"#{localpart}:{TestHost.ServerName}")}", null);
        (await resolved.ReadJsonObjectAsync())["room_id"]!.GetValue<string>().Should().Be(roomId);
        (await JoinedRoomsAsync(alice)).Should().Equal(roomId);
    }

    private static async Task<List<string>> JoinedRoomsAsync(RoomUser user) =>
        (await user.OkAsync(HttpMethod.Get, "/joined_rooms"))["joined_rooms"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
}
