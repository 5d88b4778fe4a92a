using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.ClientApi.Sync;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Sync.SyncTestRooms;

namespace Homeserver.Tests.ClientApi.Presence;

public class PresenceApiTests(TestHost host) : IClassFixture<TestHost>
{
    private readonly SyncTestRooms _rooms = new(host);
    private readonly HttpClient _client = host.CreateClient();

    private Task<HttpResponseMessage> PutStatusAsync(string userId, string token, string json) =>
        _client.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"{V3}/presence/{Q(userId)}/status")
        {
            Headers = { Authorization = new("Bearer", token) },
            Content = TestHost.JsonContent(json),
        });

    private Task<HttpResponseMessage> GetStatusAsync(string userId, string token) => _rooms.GetAsync($"{V3}/presence/{Q(userId)}/status", token);

    private static List<JsonNode> PresenceOf(JsonObject sync, string userId) =>
        [.. sync["presence"]!["events"]!.AsArray().Where(e => (string?)e!["sender"] == userId).Select(e => e!)];

    private async Task<(string Alice, string AliceToken, string Bob, string BobToken)> RoomMatesAsync()
    {
        var (alice, aliceToken) = await _rooms.NewUserAsync();
        var (bob, bobToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.MembershipAsync(roomId, bob, bob, "join");
        return (alice, aliceToken, bob, bobToken);
    }

    [Fact]
    public async Task A_set_status_is_readable_by_room_mates_and_oneself_but_not_by_strangers()
    {
        var (alice, aliceToken, _, bobToken) = await RoomMatesAsync();
        var (_, strangerToken) = await _rooms.NewUserAsync();

        (await PutStatusAsync(alice, aliceToken, """{"presence":"unavailable","status_msg":"lunch"}""")).StatusCode.Should().Be(HttpStatusCode.OK);

        foreach (var token in new[] { aliceToken, bobToken })
        {
            var response = await GetStatusAsync(alice, token);
            var body = await response.ReadJsonObjectAsync();
            response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToJsonString());
            ((string)body["presence"]!).Should().Be("unavailable");
            ((string)body["status_msg"]!).Should().Be("lunch");
            ((bool)body["currently_active"]!).Should().BeFalse();
            ((long)body["last_active_ago"]!).Should().BeGreaterThanOrEqualTo(0);
        }
        await (await GetStatusAsync(alice, strangerToken)).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task Bad_updates_are_refused()
    {
        var (alice, aliceToken, bob, _) = await RoomMatesAsync();
        await (await PutStatusAsync(bob, aliceToken, """{"presence":"online"}""")).ShouldBeMatrixErrorAsync(403, ErrorCodes.Forbidden);
        await (await PutStatusAsync(alice, aliceToken, """{"presence":"busy"}""")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        await (await PutStatusAsync(alice, aliceToken, """{}""")).ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
        await (await PutStatusAsync(alice, aliceToken, """{"presence":"online","status_msg":3}""")).ShouldBeMatrixErrorAsync(400, ErrorCodes.BadJson);
    }

    [Fact]
    public async Task A_status_change_wakes_room_mates_syncs_as_m_presence()
    {
        var (alice, aliceToken, _, bobToken) = await RoomMatesAsync();
        var first = await _rooms.SyncAsync(bobToken, "set_presence=offline");

        var poll = _rooms.SyncAsync(bobToken, $"set_presence=offline&timeout=20000&since={Q((string)first["next_batch"]!)}");
        await Task.Delay(200);
        (await PutStatusAsync(alice, aliceToken, """{"presence":"online","status_msg":"here"}""")).StatusCode.Should().Be(HttpStatusCode.OK);
        var woken = await poll;

        var ev = PresenceOf(woken, alice).Should().ContainSingle().Subject;
        ((string)ev["type"]!).Should().Be("m.presence");
        ((string)ev["content"]!["presence"]!).Should().Be("online");
        ((string)ev["content"]!["status_msg"]!).Should().Be("here");
        ((bool)ev["content"]!["currently_active"]!).Should().BeTrue();

        var again = await _rooms.SyncAsync(bobToken, $"set_presence=offline&since={Q((string)woken["next_batch"]!)}");
        PresenceOf(again, alice).Should().BeEmpty("nothing changed since");
    }

    [Fact]
    public async Task Syncing_marks_the_user_online_unless_set_presence_says_otherwise()
    {
        var (alice, aliceToken, _, bobToken) = await RoomMatesAsync();
        var (_, strangerToken) = await _rooms.NewUserAsync();
        var strangerSync = await _rooms.SyncAsync(strangerToken);

        await _rooms.SyncAsync(aliceToken, "set_presence=unavailable");
        var bobSees = await _rooms.SyncAsync(bobToken, "set_presence=offline");
        ((string)PresenceOf(bobSees, alice).Single()["content"]!["presence"]!).Should().Be("unavailable");

        await _rooms.SyncAsync(aliceToken);
        var status = await (await GetStatusAsync(alice, bobToken)).ReadJsonObjectAsync();
        ((string)status["presence"]!).Should().Be("online");

        var later = await _rooms.SyncAsync(strangerToken, $"since={Q((string)strangerSync["next_batch"]!)}");
        PresenceOf(later, alice).Should().BeEmpty("they share no room");
    }

    [Fact]
    public async Task Sync_tokens_without_a_presence_or_encryption_positions_still_parse()
    {
        var (_, aliceToken, _, _) = await RoomMatesAsync();
        var sync = await _rooms.SyncAsync(aliceToken, "since=" + Q("s1_0_0_0_0"));
        ((string)sync["next_batch"]!).Split('_').Should().HaveCount(8);
        sync = await _rooms.SyncAsync(aliceToken, "since=" + Q("s1_0_0_0_0_0"));
        ((string)sync["next_batch"]!).Split('_').Should().HaveCount(8);
    }
}
