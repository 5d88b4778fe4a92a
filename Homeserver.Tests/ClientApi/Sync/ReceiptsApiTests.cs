using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Sync.SyncTestRooms;

namespace Homeserver.Tests.ClientApi.Sync;

public class ReceiptsApiTests(TestHost host) : IClassFixture<TestHost>
{
    private readonly SyncTestRooms _rooms = new(host);
    private readonly HttpClient _client = host.CreateClient();

    private Task<HttpResponseMessage> PostReceiptAsync(string roomId, string type, string eventId, string token, string json = "{}") =>
        _client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"{V3}/rooms/{Q(roomId)}/receipt/{Q(type)}/{Q(eventId)}")
        {
            Headers = { Authorization = new("Bearer", token) },
            Content = TestHost.JsonContent(json),
        });

    private static JsonNode? ReceiptsOf(JsonObject sync, string roomId) =>
        sync["rooms"]!["join"]![roomId]?["ephemeral"]!["events"]!.AsArray().SingleOrDefault(e => (string?)e!["type"] == "m.receipt")?["content"];

    private async Task<(string Alice, string AliceToken, string Bob, string BobToken, string RoomId, string EventId)> RoomAsync()
    {
        var (alice, aliceToken) = await _rooms.NewUserAsync();
        var (bob, bobToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.MembershipAsync(roomId, bob, bob, "join");
        var eventId = await _rooms.MessageAsync(roomId, alice, "read me");
        return (alice, aliceToken, bob, bobToken, roomId, eventId);
    }

    [Fact]
    public async Task A_read_receipt_wakes_other_members_syncs_with_its_thread_id()
    {
        var (_, aliceToken, bob, bobToken, roomId, eventId) = await RoomAsync();
        var first = await _rooms.SyncAsync(aliceToken);

        var poll = _rooms.SyncAsync(aliceToken, $"timeout=20000&since={Q((string)first["next_batch"]!)}");
        await Task.Delay(200);
        (await PostReceiptAsync(roomId, "m.read", eventId, bobToken, """{"thread_id":"main"}""")).StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        var woken = await poll;

        var receipt = ReceiptsOf(woken, roomId)![eventId]!["m.read"]![bob]!;
        ((string)receipt["thread_id"]!).Should().Be("main");
        receipt["ts"].Should().NotBeNull();
    }

    [Fact]
    public async Task Private_receipts_reach_only_their_owner()
    {
        var (_, aliceToken, bob, bobToken, roomId, eventId) = await RoomAsync();
        (await PostReceiptAsync(roomId, "m.read.private", eventId, bobToken)).StatusCode.Should().Be(System.Net.HttpStatusCode.OK);

        ReceiptsOf(await _rooms.SyncAsync(bobToken), roomId)![eventId]!["m.read.private"]![bob].Should().NotBeNull();
        ReceiptsOf(await _rooms.SyncAsync(aliceToken), roomId).Should().BeNull();
    }

    [Fact]
    public async Task Fully_read_sets_room_account_data()
    {
        var (_, _, _, bobToken, roomId, eventId) = await RoomAsync();
        (await PostReceiptAsync(roomId, "m.fully_read", eventId, bobToken)).StatusCode.Should().Be(System.Net.HttpStatusCode.OK);

        var data = (await _rooms.SyncAsync(bobToken))["rooms"]!["join"]![roomId]!["account_data"]!["events"]!.AsArray().Single()!;
        ((string)data["type"]!).Should().Be("m.fully_read");
        ((string)data["content"]!["event_id"]!).Should().Be(eventId);
    }

    [Fact]
    public async Task Bad_receipts_are_refused()
    {
        var (_, _, _, bobToken, roomId, eventId) = await RoomAsync();
        var (_, strangerToken) = await _rooms.NewUserAsync();

        await (await PostReceiptAsync(roomId, "m.seen", eventId, bobToken)).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await PostReceiptAsync(roomId, "m.read", "$nope", bobToken)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await PostReceiptAsync(roomId, "m.read", eventId, strangerToken)).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await PostReceiptAsync(roomId, "m.read", eventId, bobToken, """{"thread_id":5}""")).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
        await (await PostReceiptAsync(roomId, "m.fully_read", eventId, bobToken, """{"thread_id":"main"}""")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
    }
}
