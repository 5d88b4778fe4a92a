using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.ClientApi.Sync;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Sync.SyncTestRooms;

namespace Homeserver.Tests.ClientApi.Context;

public class ReadMarkersApiTests(TestHost host) : IClassFixture<TestHost>
{
    private readonly SyncTestRooms _rooms = new(host);
    private readonly HttpClient _client = host.CreateClient();

    private Task<HttpResponseMessage> PostAsync(string roomId, string token, string json) =>
        _client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"{V3}/rooms/{Q(roomId)}/read_markers")
        {
            Headers = { Authorization = new("Bearer", token) },
            Content = TestHost.JsonContent(json),
        });

    [Fact]
    public async Task Sets_the_fully_read_marker_and_both_receipts()
    {
        var (alice, aliceToken) = await _rooms.NewUserAsync();
        var (bob, bobToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.MembershipAsync(roomId, bob, bob, "join");
        var first = await _rooms.MessageAsync(roomId, alice, "one");
        var second = await _rooms.MessageAsync(roomId, alice, "two");

        var body = new JsonObject { ["m.fully_read"] = second, ["m.read"] = second, ["m.read.private"] = first }.ToJsonString();
        (await PostAsync(roomId, bobToken, body)).StatusCode.Should().Be(HttpStatusCode.OK);

        var room = (await _rooms.SyncAsync(bobToken))["rooms"]!["join"]![roomId]!;
        var marker = room["account_data"]!["events"]!.AsArray().Single(e => (string?)e!["type"] == "m.fully_read")!;
        ((string)marker["content"]!["event_id"]!).Should().Be(second);
        var receipts = room["ephemeral"]!["events"]!.AsArray().Single(e => (string?)e!["type"] == "m.receipt")!["content"]!;
        receipts[second]!["m.read"]![bob].Should().NotBeNull();
        receipts[first]!["m.read.private"]![bob].Should().NotBeNull();

        var aliceReceipts = (await _rooms.SyncAsync(aliceToken))["rooms"]!["join"]![roomId]!["ephemeral"]!["events"]!.AsArray()
            .Single(e => (string?)e!["type"] == "m.receipt")!["content"]!;
        aliceReceipts[second]!["m.read"]![bob].Should().NotBeNull();
        aliceReceipts[first].Should().BeNull("private receipts reach only their owner");
    }

    [Fact]
    public async Task Bad_requests_are_refused_before_anything_is_stored()
    {
        var (alice, aliceToken) = await _rooms.NewUserAsync();
        var (_, strangerToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        var eventId = await _rooms.MessageAsync(roomId, alice, "one");

        await (await PostAsync(roomId, strangerToken, $$"""{"m.read":"{{eventId}}"}""")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await PostAsync(roomId, aliceToken, """{"m.read":5}""")).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
        await (await PostAsync(roomId, aliceToken, $$"""{"m.fully_read":"{{eventId}}","m.read":"$unknown"}""")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);

        var room = (await _rooms.SyncAsync(aliceToken))["rooms"]!["join"]![roomId]!;
        room["account_data"]!["events"]!.AsArray().Should().NotContain(e => (string?)e!["type"] == "m.fully_read");
    }
}
