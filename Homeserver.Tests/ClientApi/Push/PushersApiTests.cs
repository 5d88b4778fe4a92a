using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Tests.ClientApi.Sync;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Sync.SyncTestRooms;

namespace Homeserver.Tests.ClientApi.Push;

/// <summary>The pushers API and delivery of notifications to a push gateway.</summary>
public class PushersApiTests(TestHost host) : IClassFixture<TestHost>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly SyncTestRooms _rooms = new(host);
    private readonly HttpClient _client = host.CreateClient();

    private Task<HttpResponseMessage> SetPusherAsync(string token, string json)
    {
        var request = TestHost.Request(HttpMethod.Post, $"{V3}/pushers/set", token);
        request.Content = TestHost.JsonContent(json);
        return _client.SendAsync(request);
    }

    private static string Pusher(string url, string pushkey = "key1", string extraData = "", string append = "") =>
        $$$"""{"kind":"http","app_id":"com.example.app","pushkey":"{{{pushkey}}}","app_display_name":"Example","device_display_name":"Phone","lang":"en","profile_tag":"xyz","data":{"url":"{{{url}}}"{{{extraData}}}}{{{append}}}}""";

    private async Task<JsonArray> PushersAsync(string token) =>
        (await (await _rooms.GetAsync($"{V3}/pushers", token)).ReadJsonObjectAsync())["pushers"]!.AsArray();

    [Fact]
    public async Task Pushers_are_set_listed_replaced_and_deleted()
    {
        var (_, token) = await _rooms.NewUserAsync();
        const string url = "https://push.example.org/_matrix/push/v1/notify";

        (await SetPusherAsync(token, Pusher(url, extraData: ",\"format\":\"event_id_only\""))).StatusCode.Should().Be(HttpStatusCode.OK);
        var pushers = await PushersAsync(token);
        JsonNode.DeepEquals(pushers.Single(), JsonNode.Parse($$$"""
            {"pushkey":"key1","kind":"http","app_id":"com.example.app","app_display_name":"Example","device_display_name":"Phone",
             "lang":"en","profile_tag":"xyz","data":{"url":"{{{url}}}","format":"event_id_only"}}
            """)).Should().BeTrue(pushers.ToJsonString());

        (await SetPusherAsync(token, Pusher(url, pushkey: "key2"))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await PushersAsync(token)).Should().HaveCount(2);
        (await SetPusherAsync(token, """{"kind":null,"app_id":"com.example.app","pushkey":"key1"}""")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await PushersAsync(token)).Select(p => (string)p!["pushkey"]!).Should().Equal("key2");
    }

    [Fact]
    public async Task A_pushkey_moves_between_users_unless_appended()
    {
        var (_, first) = await _rooms.NewUserAsync();
        var (_, second) = await _rooms.NewUserAsync();
        var key = Guid.NewGuid().ToString("N");
        const string url = "https://push.example.org/_matrix/push/v1/notify";

        await SetPusherAsync(first, Pusher(url, key));
        await SetPusherAsync(second, Pusher(url, key, append: ",\"append\":true"));
        (await PushersAsync(first)).Should().HaveCount(1);
        await SetPusherAsync(second, Pusher(url, key));
        (await PushersAsync(first)).Should().BeEmpty();
        (await PushersAsync(second)).Should().HaveCount(1);
    }

    [Theory]
    [InlineData("""{"app_id":"a","pushkey":"k"}""", ErrorCodes.MissingParam)]
    [InlineData("""{"kind":"http","app_id":"a","pushkey":"k"}""", ErrorCodes.MissingParam)]
    [InlineData("""{"kind":"http","app_id":"a","pushkey":"k","app_display_name":"A","device_display_name":"D","lang":"en","data":{}}""", ErrorCodes.MissingParam)]
    [InlineData("""{"kind":"http","app_id":"a","pushkey":"k","app_display_name":"A","device_display_name":"D","lang":"en","data":{"url":"https://x.example/notify"}}""", ErrorCodes.InvalidParam)]
    [InlineData("""{"kind":"http","app_id":"a","pushkey":"k","app_display_name":"A","device_display_name":"D","lang":"en","data":{"url":"not a url"}}""", ErrorCodes.InvalidParam)]
    [InlineData("""{"kind":"http","app_id":"a","pushkey":"k","app_display_name":"A","device_display_name":"D","lang":"en","data":{"url":"ftp://x.example/_matrix/push/v1/notify"}}""", ErrorCodes.InvalidParam)]
    [InlineData("""{"kind":"email","app_id":"m.email","pushkey":"a@b.c","app_display_name":"A","device_display_name":"D","lang":"en","data":{}}""", ErrorCodes.InvalidParam)]
    [InlineData("""{"kind":"http","app_id":"0123456789012345678901234567890123456789012345678901234567890123456789","pushkey":"k","app_display_name":"A","device_display_name":"D","lang":"en","data":{"url":"https://x.example/_matrix/push/v1/notify"}}""", ErrorCodes.InvalidParam)]
    [InlineData("""{"kind":"http","app_id":"a","pushkey":"","app_display_name":"A","device_display_name":"D","lang":"en","data":{"url":"https://x.example/_matrix/push/v1/notify"}}""", ErrorCodes.InvalidParam)]
    [InlineData("""{"kind":"http","app_id":"a","pushkey":"k","app_display_name":"A","device_display_name":"D","lang":"en","data":[]}""", ErrorCodes.BadJson)]
    [InlineData("""{"kind":"http","app_id":"a","pushkey":"k","app_display_name":"A","device_display_name":"D","lang":"en","data":{"url":"https://x.example/_matrix/push/v1/notify"},"append":"yes"}""", ErrorCodes.BadJson)]
    [InlineData("""{"kind":5,"app_id":"a","pushkey":"k"}""", ErrorCodes.BadJson)]
    public async Task Bad_pushers_are_refused(string body, string errcode)
    {
        var (_, token) = await _rooms.NewUserAsync();
        await (await SetPusherAsync(token, body)).ShouldBeMatrixErrorAsync(400, errcode);
        (await PushersAsync(token)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_notification_reaches_the_gateway_with_the_spec_payload_and_is_retried_after_a_failure()
    {
        await using var gateway = await TestPushGateway.StartAsync((500, """{"errcode":"M_UNKNOWN","error":"down"}"""));
        var (alice, _) = await _rooms.NewUserAsync();
        var (bob, bobToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.SendAsync(roomId, alice, "m.room.name", new JsonObject { ["name"] = "Mission Control" }, "");
        await _rooms.SendAsync(roomId, bob, "m.room.member", new JsonObject { ["membership"] = "join", ["displayname"] = "Bob" }, bob);
        await _rooms.SendAsync(roomId, alice, "m.room.member", new JsonObject { ["membership"] = "join", ["displayname"] = "Major Tom" }, alice);
        (await SetPusherAsync(bobToken, Pusher(gateway.NotifyUrl, extraData: ",\"custom\":\"kept\""))).StatusCode.Should().Be(HttpStatusCode.OK);

        var eventId = await _rooms.MessageAsync(roomId, alice, "I'm floating in a most peculiar way.");

        var failed = await gateway.NextAsync(Wait);
        var retried = await gateway.NextAsync(Wait);
        JsonNode.DeepEquals(failed, retried).Should().BeTrue();
        var notification = retried["notification"]!;
        ((string)notification["event_id"]!).Should().Be(eventId);
        ((string)notification["room_id"]!).Should().Be(roomId);
        ((string)notification["type"]!).Should().Be("m.room.message");
        ((string)notification["sender"]!).Should().Be(alice);
        ((string)notification["sender_display_name"]!).Should().Be("Major Tom");
        ((string)notification["room_name"]!).Should().Be("Mission Control");
        ((string)notification["content"]!["body"]!).Should().Be("I'm floating in a most peculiar way.");
        ((long)notification["counts"]!["unread"]!).Should().Be(1);
        // Two members: the one-to-one rule plays a sound, which makes the push high priority.
        ((string)notification["prio"]!).Should().Be("high");
        var device = notification["devices"]!.AsArray().Single()!;
        ((string)device["app_id"]!).Should().Be("com.example.app");
        ((string)device["pushkey"]!).Should().Be("key1");
        device["pushkey_ts"]!.GetValue<long>().Should().Be(host.Time.GetUtcNow().ToUnixTimeSeconds());
        JsonNode.DeepEquals(device["data"], JsonNode.Parse("""{"custom":"kept"}""")).Should().BeTrue(device["data"]!.ToJsonString());
        JsonNode.DeepEquals(device["tweaks"], JsonNode.Parse("""{"sound":"default"}""")).Should().BeTrue(device["tweaks"]!.ToJsonString());
    }

    [Fact]
    public async Task Event_id_only_pushers_get_ids_and_counts_and_rejected_pushkeys_lose_their_pusher()
    {
        await using var gateway = await TestPushGateway.StartAsync((200, """{"rejected":["gone"]}"""));
        var (alice, _) = await _rooms.NewUserAsync();
        var (bob, bobToken) = await _rooms.NewUserAsync();
        var roomId = await _rooms.CreateRoomAsync(alice);
        await _rooms.MembershipAsync(roomId, bob, bob, "join");
        (await SetPusherAsync(bobToken, Pusher(gateway.NotifyUrl, pushkey: "gone", extraData: ",\"format\":\"event_id_only\""))).StatusCode
            .Should().Be(HttpStatusCode.OK);

        var eventId = await _rooms.MessageAsync(roomId, alice, "secret");

        var notification = (await gateway.NextAsync(Wait))["notification"]!.AsObject();
        ((string)notification["event_id"]!).Should().Be(eventId);
        ((string)notification["room_id"]!).Should().Be(roomId);
        ((long)notification["counts"]!["unread"]!).Should().Be(1);
        notification.ContainsKey("content").Should().BeFalse();
        notification.ContainsKey("sender").Should().BeFalse();
        notification.ContainsKey("type").Should().BeFalse();
        JsonNode.DeepEquals(notification["devices"]![0]!["data"], JsonNode.Parse("""{"format":"event_id_only"}""")).Should().BeTrue();

        var deadline = DateTime.UtcNow + Wait;
        while ((await PushersAsync(bobToken)).Count > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        (await PushersAsync(bobToken)).Should().BeEmpty();
    }
}
