using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Tests.ClientApi.Accounts;
using Homeserver.Tests.ClientApi.E2ee;
using Homeserver.Tests.ClientApi.Sync;
using static Homeserver.Tests.ClientApi.Sync.SyncTestRooms;

namespace Homeserver.Tests.ServerApi.Edus;

/// <summary>Local typing, receipts, presence, to-device messages and key changes become EDUs for the servers that should hear of them.</summary>
public class OutboundEduTests(EduHost fixture) : IClassFixture<EduHost>
{
    private async Task OkAsync(HttpMethod method, string path, JsonObject body, string token)
    {
        var response = await fixture.Http.SendJsonAsync(method, V3 + path, body, token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A local user in a room with a user of remote.test (and one of a second remote server).</summary>
    private async Task<(string UserId, string Token, string RoomId)> SharedRoomAsync()
    {
        var (alice, token, roomId) = await fixture.LocalUserInRoomAsync();
        await fixture.JoinRemoteAsync(roomId, EduHost.NewRemoteUser());
        return (alice, token, roomId);
    }

    [Fact]
    public async Task Typing_and_public_read_receipts_go_to_the_rooms_other_servers()
    {
        var (alice, token, roomId) = await SharedRoomAsync();
        var (loner, lonerToken, lonelyRoom) = await fixture.LocalUserInRoomAsync();
        var eventId = await fixture.Rooms.MessageAsync(roomId, alice, "hi");

        await OkAsync(HttpMethod.Put, $"/rooms/{Q(roomId)}/typing/{Q(alice)}", new JsonObject { ["typing"] = true, ["timeout"] = 1000 }, token);
        var typing = fixture.Sender.Of("m.typing", c => (string?)c["user_id"] == alice).Should().ContainSingle().Subject;
        typing.Destination.Should().Be(EduHost.RemoteName);
        JsonNode.DeepEquals(typing.Content, new JsonObject { ["room_id"] = roomId, ["user_id"] = alice, ["typing"] = true }).Should().BeTrue();

        await OkAsync(HttpMethod.Post, $"/rooms/{Q(roomId)}/receipt/m.read.private/{Q(eventId)}", new JsonObject(), token);
        fixture.Sender.Of("m.receipt", c => c.ContainsKey(roomId)).Should().BeEmpty("private receipts stay on this server");
        await OkAsync(HttpMethod.Post, $"/rooms/{Q(roomId)}/receipt/m.read/{Q(eventId)}", new JsonObject { ["thread_id"] = "main" }, token);
        var receipt = fixture.Sender.Of("m.receipt", c => c.ContainsKey(roomId)).Should().ContainSingle().Subject;
        receipt.Destination.Should().Be(EduHost.RemoteName);
        var read = receipt.Content[roomId]!["m.read"]![alice]!;
        read["event_ids"].ShouldEqualJsonArray(eventId);
        read["data"]!["thread_id"]!.GetValue<string>().Should().Be("main");
        read["data"]!["ts"]!.GetValue<long>().Should().BePositive();

        // A room without other servers: nothing to send.
        await OkAsync(HttpMethod.Put, $"/rooms/{Q(lonelyRoom)}/typing/{Q(loner)}", new JsonObject { ["typing"] = true }, lonerToken);
        fixture.Sender.Of("m.typing", c => (string?)c["room_id"] == lonelyRoom).Should().BeEmpty();
    }

    [Fact]
    public async Task Presence_goes_to_every_server_sharing_a_room_with_the_user()
    {
        var (alice, token, roomId) = await SharedRoomAsync();
        var other = EduHost.NewRemoteUser(EduHost.ThirdName);
        await fixture.JoinRemoteAsync(roomId, other);

        await OkAsync(HttpMethod.Put, $"/presence/{Q(alice)}/status", new JsonObject { ["presence"] = "unavailable", ["status_msg"] = "lunch" }, token);
        var sent = fixture.Sender.Of("m.presence", c => (string?)c["push"]![0]!["user_id"] == alice);
        sent.Select(e => e.Destination).Should().BeEquivalentTo([EduHost.RemoteName, EduHost.ThirdName]);
        var update = sent[0].Content["push"]![0]!;
        ((string?)update["presence"], (string?)update["status_msg"]).Should().Be(("unavailable", "lunch"));
        update["last_active_ago"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(0);
    }

    [Fact]
    public async Task To_device_messages_for_remote_users_go_to_their_servers_once_per_transaction()
    {
        var (alice, token) = await fixture.LocalUserWithDeviceAsync("PHONE");
        var bob = EduHost.NewRemoteUser();
        var carol = EduHost.NewRemoteUser(EduHost.ThirdName);
        var body = new JsonObject
        {
            ["messages"] = new JsonObject
            {
                [bob] = new JsonObject { ["*"] = new JsonObject { ["n"] = 1 } },
                [carol] = new JsonObject { ["DEV"] = new JsonObject { ["n"] = 2 } },
                [alice] = new JsonObject { ["PHONE"] = new JsonObject { ["n"] = 3 } },
            },
        };
        await OkAsync(HttpMethod.Put, "/sendToDevice/m.test/txn1", body, token);
        await OkAsync(HttpMethod.Put, "/sendToDevice/m.test/txn1", body, token);

        var sent = fixture.Sender.Of("m.direct_to_device", c => (string?)c["sender"] == alice);
        sent.Select(e => e.Destination).Should().BeEquivalentTo([EduHost.RemoteName, EduHost.ThirdName]);
        var toBob = sent.Single(e => e.Destination == EduHost.RemoteName).Content;
        ((string?)toBob["type"]).Should().Be("m.test");
        toBob["message_id"]!.GetValue<string>().Should().HaveLength(32);
        JsonNode.DeepEquals(toBob["messages"], new JsonObject { [bob] = new JsonObject { ["*"] = new JsonObject { ["n"] = 1 } } }).Should().BeTrue();
        sent.Select(e => (string?)e.Content["message_id"]).Distinct().Should().ContainSingle();
        (await fixture.Rooms.SyncAsync(token))["to_device"]!["events"]!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public async Task Key_and_device_changes_become_device_list_updates_and_cross_signing_changes_signing_key_updates()
    {
        using var alice = await E2eeTestUser.RegisterAsync(fixture.Http, "Alice's phone");
        var roomId = await fixture.Rooms.CreateRoomAsync(alice.UserId);
        await fixture.JoinRemoteAsync(roomId, EduHost.NewRemoteUser());

        await alice.UploadAsync(new JsonObject { ["device_keys"] = alice.DeviceKeys() });
        var first = fixture.Sender.Of("m.device_list_update", c => (string?)c["user_id"] == alice.UserId).Should().ContainSingle().Subject;
        first.Destination.Should().Be(EduHost.RemoteName);
        ((string?)first.Content["device_id"]).Should().Be(alice.DeviceId);
        ((string?)first.Content["device_display_name"]).Should().Be("Alice's phone");
        first.Content["keys"]!["keys"]!["ed25519:" + alice.DeviceId]!.GetValue<string>().Should().Be(alice.DeviceKey.PublicKey);
        first.Content["keys"]!["unsigned"].Should().BeNull();
        var firstId = first.Content["stream_id"]!.GetValue<long>();

        await OkAsync(HttpMethod.Put, $"/devices/{Q(alice.DeviceId)}", new JsonObject { ["display_name"] = "Renamed" }, alice.Token);
        var second = fixture.Sender.Of("m.device_list_update", c => (string?)c["user_id"] == alice.UserId)[^1].Content;
        ((string?)second["device_display_name"]).Should().Be("Renamed");
        second["stream_id"]!.GetValue<long>().Should().BeGreaterThan(firstId);
        second["prev_id"].ShouldEqualJsonArrayOfNumbers(firstId);

        await alice.PostOkAsync("/keys/device_signing/upload", alice.CrossSigningUpload());
        var signing = fixture.Sender.Of("m.signing_key_update", c => (string?)c["user_id"] == alice.UserId).Should().ContainSingle().Subject.Content;
        signing["master_key"]!["keys"]!["ed25519:" + alice.Master.PublicKey].Should().NotBeNull();
        signing["self_signing_key"]!["keys"]!["ed25519:" + alice.SelfSigning.PublicKey].Should().NotBeNull();
        signing.ContainsKey("user_signing_key").Should().BeFalse();

        // Logging out deletes the device.
        await OkAsync(HttpMethod.Post, "/logout", new JsonObject(), alice.Token);
        var deleted = fixture.Sender.Of("m.device_list_update", c => (string?)c["user_id"] == alice.UserId)[^1].Content;
        (deleted["deleted"]?.GetValue<bool>(), deleted.ContainsKey("keys")).Should().Be((true, false));
    }
}

internal static class JsonNumberArrayAssertions
{
    public static void ShouldEqualJsonArrayOfNumbers(this JsonNode? node, params long[] expected) =>
        node!.AsArray().Select(n => n!.GetValue<long>()).Should().Equal(expected);
}
