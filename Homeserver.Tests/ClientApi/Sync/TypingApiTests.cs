using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Sync.SyncTestRooms;

namespace Homeserver.Tests.ClientApi.Sync;

public class TypingApiTests(TestHost host) : IClassFixture<TestHost>
{
    private readonly SyncTestRooms _rooms = new(host);
    private readonly HttpClient _client = host.CreateClient();

    private Task<HttpResponseMessage> PutTypingAsync(string roomId, string userId, string token, string json) =>
        _client.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"{V3}/rooms/{Q(roomId)}/typing/{Q(userId)}")
        {
            Headers = { Authorization = new("Bearer", token) },
            Content = TestHost.JsonContent(json),
        });

    private static JsonNode? TypingOf(JsonObject sync, string roomId) =>
        sync["rooms"]!["join"]![roomId]?["ephemeral"]!["events"]!.AsArray().SingleOrDefault(e => (string?)e!["type"] == "m.typing");

    [Fact]
    public async Task Typing_wakes_a_sync_appears_in_ephemeral_and_stopping_is_delivered()
    {
        var (alice, aliceToken) = await _rooms.NewUserAsync();
        var (bob, bobToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.MembershipAsync(roomId, bob, bob, "join");
        var first = await _rooms.SyncAsync(bobToken);

        var poll = _rooms.SyncAsync(bobToken, $"timeout=20000&since={Q((string)first["next_batch"]!)}");
        await Task.Delay(200);
        (await PutTypingAsync(roomId, alice, aliceToken, """{"typing":true,"timeout":30000}""")).StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        var woken = await poll;
        TypingOf(woken, roomId)!["content"]!["user_ids"].ShouldEqualJsonArray(alice);
        TimelineOf(woken, roomId).Should().BeEmpty();

        await PutTypingAsync(roomId, alice, aliceToken, """{"typing":false}""");
        var stopped = await _rooms.SyncAsync(bobToken, $"since={Q((string)woken["next_batch"]!)}");
        TypingOf(stopped, roomId)!["content"]!["user_ids"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task Typing_expires_after_its_timeout()
    {
        var (alice, aliceToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await PutTypingAsync(roomId, alice, aliceToken, """{"typing":true,"timeout":5000}""");
        var typing = await _rooms.SyncAsync(aliceToken);
        TypingOf(typing, roomId)!["content"]!["user_ids"].ShouldEqualJsonArray(alice);

        host.Time.Advance(TimeSpan.FromSeconds(6));

        var expired = await _rooms.SyncAsync(aliceToken, $"since={Q((string)typing["next_batch"]!)}");
        TypingOf(expired, roomId)!["content"]!["user_ids"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task Only_joined_users_may_type_and_only_for_themselves()
    {
        var (alice, aliceToken) = await _rooms.NewUserAsync();
        var (bob, bobToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);

        await (await PutTypingAsync(roomId, bob, bobToken, """{"typing":true}""")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await PutTypingAsync(roomId, alice, bobToken, """{"typing":true}""")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await PutTypingAsync(roomId, alice, aliceToken, """{"typing":"yes"}""")).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
        await (await PutTypingAsync(roomId, alice, aliceToken, """{"typing":true,"timeout":-1}""")).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
    }
}

internal static class TypingAssertions
{
    public static void ShouldEqualJsonArray(this JsonNode? node, params string[] expected) =>
        node!.AsArray().Select(n => (string)n!).Should().Equal(expected);
}
