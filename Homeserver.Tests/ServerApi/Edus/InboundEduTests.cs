using System.Text.Json.Nodes;
using Homeserver.Storage.Receipts;
using Homeserver.Sync;
using Homeserver.Tests.ClientApi.Sync;

namespace Homeserver.Tests.ServerApi.Edus;

/// <summary>Typing, receipts, presence and to-device EDUs from another server: applied for the origin's users, ignored otherwise.</summary>
public class InboundEduTests(EduHost fixture) : IClassFixture<EduHost>
{
    private const string Evil = "evil.test";

    private static JsonNode? EphemeralOf(JsonObject sync, string roomId, string type) =>
        sync["rooms"]?["join"]?[roomId]?["ephemeral"]?["events"]?.AsArray().SingleOrDefault(e => (string?)e!["type"] == type);

    [Fact]
    public async Task Typing_of_a_joined_user_of_the_origin_reaches_local_sync_and_spoofed_typing_is_ignored()
    {
        var (_, token, roomId) = await fixture.LocalUserInRoomAsync();
        var bob = EduHost.NewRemoteUser();
        var stranger = EduHost.NewRemoteUser();
        await fixture.JoinRemoteAsync(roomId, bob);
        var typing = fixture.Get<TypingTracker>();

        await fixture.HandleAsync(Evil, "m.typing", new JsonObject { ["room_id"] = roomId, ["user_id"] = bob, ["typing"] = true });
        await fixture.HandleAsync(EduHost.RemoteName, "m.typing", new JsonObject { ["room_id"] = roomId, ["user_id"] = stranger, ["typing"] = true });
        await fixture.HandleAsync(EduHost.RemoteName, "m.typing", new JsonObject { ["room_id"] = roomId, ["user_id"] = bob, ["typing"] = "yes" });
        typing.GetTypingEvent(roomId, null).Should().BeNull();

        await fixture.HandleAsync(EduHost.RemoteName, "m.typing", new JsonObject { ["room_id"] = roomId, ["user_id"] = bob, ["typing"] = true });
        var sync = await fixture.Rooms.SyncAsync(token);
        EphemeralOf(sync, roomId, "m.typing")!["content"]!["user_ids"].ShouldEqualJsonArray(bob);

        await fixture.HandleAsync(EduHost.RemoteName, "m.typing", new JsonObject { ["room_id"] = roomId, ["user_id"] = bob, ["typing"] = false });
        typing.GetTypingEvent(roomId, null).Should().BeNull();
    }

    [Fact]
    public async Task A_read_receipt_of_a_joined_user_of_the_origin_is_stored_and_spoofed_or_private_ones_are_not()
    {
        var (alice, token, roomId) = await fixture.LocalUserInRoomAsync();
        var eventId = await fixture.Rooms.MessageAsync(roomId, alice, "hello");
        var bob = EduHost.NewRemoteUser();
        await fixture.JoinRemoteAsync(roomId, bob);
        var otherRoom = (await fixture.LocalUserInRoomAsync()).RoomId;
        var receipts = fixture.Get<IReceiptStore>();
        var before = await receipts.GetCurrentPositionAsync(CancellationToken.None);

        JsonObject Receipt(string room, string user, string type = "m.read") => new()
        {
            [room] = new JsonObject
            {
                [type] = new JsonObject { [user] = new JsonObject { ["event_ids"] = new JsonArray(eventId), ["data"] = new JsonObject { ["ts"] = 1234 } } },
            },
        };
        await fixture.HandleAsync(Evil, "m.receipt", Receipt(roomId, bob));
        await fixture.HandleAsync(EduHost.RemoteName, "m.receipt", Receipt(roomId, alice));
        await fixture.HandleAsync(EduHost.RemoteName, "m.receipt", Receipt(roomId, bob, "m.read.private"));
        await fixture.HandleAsync(EduHost.RemoteName, "m.receipt", Receipt(otherRoom, bob));
        await fixture.HandleAsync(EduHost.RemoteName, "m.receipt", new JsonObject { [roomId] = "not an object" });
        (await receipts.GetCurrentPositionAsync(CancellationToken.None)).Should().Be(before);

        await fixture.HandleAsync(EduHost.RemoteName, "m.receipt", Receipt(roomId, bob));
        var stored = await receipts.GetChangedAsync([roomId], before, long.MaxValue, CancellationToken.None);
        stored.Should().ContainSingle().Which.Should().Match<ReceiptRecord>(r => r.UserId == bob && r.EventId == eventId && r.Ts == 1234
            && r.ReceiptType == "m.read" && r.ThreadId == "");
        var sync = await fixture.Rooms.SyncAsync(token);
        EphemeralOf(sync, roomId, "m.receipt")!["content"]![eventId]!["m.read"]![bob]!["ts"]!.GetValue<long>().Should().Be(1234);
    }

    [Fact]
    public async Task Presence_of_the_origins_users_in_a_shared_room_is_applied_and_spoofed_presence_is_not()
    {
        var (_, _, roomId) = await fixture.LocalUserInRoomAsync();
        var bob = EduHost.NewRemoteUser();
        var loner = EduHost.NewRemoteUser();
        await fixture.JoinRemoteAsync(roomId, bob);
        var presence = fixture.Get<PresenceTracker>();

        JsonObject Push(string user, string state) =>
            new() { ["push"] = new JsonArray(new JsonObject { ["user_id"] = user, ["presence"] = state, ["status_msg"] = "busy", ["last_active_ago"] = 5 }) };
        await fixture.HandleAsync(Evil, "m.presence", Push(bob, "online"));
        await fixture.HandleAsync(EduHost.RemoteName, "m.presence", Push(loner, "online"));
        await fixture.HandleAsync(EduHost.RemoteName, "m.presence", Push(bob, "sleeping"));
        await fixture.HandleAsync(EduHost.RemoteName, "m.presence", new JsonObject { ["push"] = new JsonArray(1, "x", new JsonArray()) });
        presence.Get(bob).Should().BeNull();
        presence.Get(loner).Should().BeNull();

        await fixture.HandleAsync(EduHost.RemoteName, "m.presence", Push(bob, "unavailable"));
        presence.Get(bob).Should().Match<UserPresence>(p => p.Presence == "unavailable" && p.StatusMsg == "busy");
    }

    [Fact]
    public async Task To_device_messages_of_the_origins_users_reach_local_devices_once_and_spoofed_ones_are_dropped()
    {
        var (alice, phoneToken) = await fixture.LocalUserWithDeviceAsync("PHONE");
        var (_, laptopToken) = await fixture.LocalUserWithDeviceAsync("LAPTOP", alice);
        var bob = EduHost.NewRemoteUser();
        var phoneSync = await fixture.Rooms.SyncAsync(phoneToken);
        var laptopSync = await fixture.Rooms.SyncAsync(laptopToken);

        JsonObject Message(string sender, string messageId, string deviceId, string body) => new()
        {
            ["sender"] = sender,
            ["type"] = "m.room_key_request",
            ["message_id"] = messageId,
            ["messages"] = new JsonObject { [alice] = new JsonObject { [deviceId] = new JsonObject { ["body"] = body } } },
        };
        await fixture.HandleAsync(Evil, "m.direct_to_device", Message(bob, "m1", "*", "spoofed"));
        await fixture.HandleAsync(EduHost.RemoteName, "m.direct_to_device", Message(bob, "m2", "*", "to all"));
        await fixture.HandleAsync(EduHost.RemoteName, "m.direct_to_device", Message(bob, "m2", "*", "to all"));
        await fixture.HandleAsync(EduHost.RemoteName, "m.direct_to_device", Message(bob, "m3", "PHONE", "to the phone"));
        await fixture.HandleAsync(EduHost.RemoteName, "m.direct_to_device", Message(bob, "", "PHONE", "no message id"));

        static IEnumerable<string?> Bodies(JsonObject sync) =>
            sync["to_device"]!["events"]!.AsArray().Select(e => (string?)e!["content"]!["body"]);
        var phone = await fixture.Rooms.SyncAsync(phoneToken, "since=" + SyncTestRooms.Q((string)phoneSync["next_batch"]!));
        var laptop = await fixture.Rooms.SyncAsync(laptopToken, "since=" + SyncTestRooms.Q((string)laptopSync["next_batch"]!));
        Bodies(phone).Should().Equal("to all", "to the phone");
        Bodies(laptop).Should().Equal("to all");
        phone["to_device"]!["events"]![0]!["sender"]!.GetValue<string>().Should().Be(bob);
        phone["to_device"]!["events"]![0]!["type"]!.GetValue<string>().Should().Be("m.room_key_request");
    }
}
