using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Accounts;
using Homeserver.Federation.Http;
using Homeserver.Storage.Accounts;
using Homeserver.Tests.ClientApi.Accounts;
using Homeserver.Tests.ClientApi.UserData;
using Homeserver.Tests.Http;
using Homeserver.ToDevice;
using Microsoft.Extensions.DependencyInjection;
using static Homeserver.Tests.ClientApi.Sync.SyncTestRooms;

namespace Homeserver.Tests.ClientApi.ToDevice;

public class SendToDeviceApiTests(TestHost host) : IClassFixture<TestHost>
{
    private const string V3 = "/_matrix/client/v3";

    private readonly HttpClient _client = host.CreateClient();

    /// <summary>A user with the given devices, each with its own access token.</summary>
    private async Task<(string UserId, Dictionary<string, string> Tokens)> NewUserAsync(params string[] deviceIds)
    {
        var userId = NewUserId();
        var devices = host.Services.GetRequiredService<IDeviceStore>();
        var tokens = new Dictionary<string, string>();
        foreach (var deviceId in deviceIds)
        {
            await devices.UpsertAsync(new DeviceRecord(userId, deviceId, null, null, null), CancellationToken.None);
            tokens[deviceId] = await host.AddTokenAsync(userId, deviceId);
        }
        return (userId, tokens);
    }

    private Task<HttpResponseMessage> SendAsync(string token, string messagesJson, string type = "m.test", string? txnId = null) =>
        _client.SendJsonAsync(HttpMethod.Put, $"{V3}/sendToDevice/{type}/{txnId ?? Guid.NewGuid().ToString("N")}",
            new JsonObject { ["messages"] = JsonNode.Parse(messagesJson) }, token);

    private async Task<JsonObject> SyncAsync(string token, string? since = null, int timeoutMs = 0)
    {
        var query = since is null ? "" : $"?since={Q(since)}&timeout={timeoutMs}";
        return await (await _client.SendAsync(TestHost.Request(HttpMethod.Get, $"{V3}/sync{query}", token))).ShouldBeOkAsync();
    }

    private static JsonArray ToDeviceEvents(JsonObject sync) => sync["to_device"]!["events"]!.AsArray();

    private static string Batch(JsonObject sync) => (string)sync["next_batch"]!;

    [Fact]
    public async Task A_message_to_a_device_arrives_in_that_devices_sync_and_not_in_the_users_other_device()
    {
        var (alice, aliceTokens) = await NewUserAsync("A1");
        var (bob, bobTokens) = await NewUserAsync("B1", "B2");

        await (await SendAsync(aliceTokens["A1"], $$"""{"{{bob}}":{"B1":{"secret":"for B1"} } }""", "m.room_key_request")).ShouldBeOkAsync();

        ToDeviceEvents(await SyncAsync(bobTokens["B1"])).ShouldEqualJson(
            $$"""[{"sender":"{{alice}}","type":"m.room_key_request","content":{"secret":"for B1"} }]""");
        ToDeviceEvents(await SyncAsync(bobTokens["B2"])).Should().BeEmpty();
        ToDeviceEvents(await SyncAsync(aliceTokens["A1"])).Should().BeEmpty();
    }

    [Fact]
    public async Task The_wildcard_reaches_every_device_of_the_user_and_a_devices_own_entry_wins()
    {
        var (_, aliceTokens) = await NewUserAsync("A1");
        var (bob, bobTokens) = await NewUserAsync("B1", "B2", "B3");

        await (await SendAsync(aliceTokens["A1"], $$"""{"{{bob}}":{"*":{"to":"all"},"B2":{"to":"B2"} } }""")).ShouldBeOkAsync();

        ToDeviceEvents(await SyncAsync(bobTokens["B1"]))[0]!["content"].ShouldEqualJson("""{"to":"all"}""");
        ToDeviceEvents(await SyncAsync(bobTokens["B2"]))[0]!["content"].ShouldEqualJson("""{"to":"B2"}""");
        ToDeviceEvents(await SyncAsync(bobTokens["B3"]))[0]!["content"].ShouldEqualJson("""{"to":"all"}""");
    }

    [Fact]
    public async Task Repeating_a_transaction_id_sends_nothing_again_but_another_device_of_the_sender_may_use_it()
    {
        var (alice, aliceTokens) = await NewUserAsync("A1", "A2");
        var (bob, bobTokens) = await NewUserAsync("B1");
        var messages = $$"""{"{{bob}}":{"B1":{"n":1} } }""";

        await (await SendAsync(aliceTokens["A1"], messages, txnId: "txn1")).ShouldBeOkAsync();
        (await (await SendAsync(aliceTokens["A1"], messages, txnId: "txn1")).ShouldBeOkAsync()).ShouldEqualJson("{}");
        ToDeviceEvents(await SyncAsync(bobTokens["B1"])).Should().HaveCount(1);

        await (await SendAsync(aliceTokens["A2"], messages, txnId: "txn1")).ShouldBeOkAsync();
        ToDeviceEvents(await SyncAsync(bobTokens["B1"])).Select(e => (string)e!["sender"]!).Should().Equal(alice, alice);
    }

    [Fact]
    public async Task Messages_are_delivered_again_until_a_sync_with_a_later_since_acknowledges_them()
    {
        var (_, aliceTokens) = await NewUserAsync("A1");
        var (bob, bobTokens) = await NewUserAsync("B1");
        var token = bobTokens["B1"];
        var start = await SyncAsync(token);

        await (await SendAsync(aliceTokens["A1"], $$"""{"{{bob}}":{"B1":{"n":1} } }""")).ShouldBeOkAsync();
        var delivered = await SyncAsync(token, Batch(start));
        ToDeviceEvents(delivered).Should().HaveCount(1);

        // The response was lost: the client syncs with its old token and gets the message again.
        var again = await SyncAsync(token, Batch(start));
        ToDeviceEvents(again).ShouldEqualJson(ToDeviceEvents(delivered).ToJsonString());

        ToDeviceEvents(await SyncAsync(token, Batch(again))).Should().BeEmpty();
        ToDeviceEvents(await SyncAsync(token, Batch(start))).Should().BeEmpty();
    }

    [Fact]
    public async Task A_long_queue_comes_at_most_a_hundred_per_sync_in_order()
    {
        var (alice, _) = await NewUserAsync("A1");
        var (bob, bobTokens) = await NewUserAsync("B1");
        var sender = host.Services.GetRequiredService<ToDeviceSender>();
        for (var i = 0; i < 130; i++)
        {
            var request = SendToDeviceRequest.Parse(JsonNode.Parse($$"""{"messages":{"{{bob}}":{"B1":{"n":{{i}} } } } }""")!.AsObject());
            await sender.SendAsync(alice, "A1", "m.test", $"t{i}", request, CancellationToken.None);
        }

        var first = await SyncAsync(bobTokens["B1"]);
        var second = await SyncAsync(bobTokens["B1"], Batch(first));

        ToDeviceEvents(first).Select(e => (int)e!["content"]!["n"]!).Should().Equal(Enumerable.Range(0, ToDeviceInbox.MaxPerSync));
        ToDeviceEvents(second).Select(e => (int)e!["content"]!["n"]!).Should().Equal(Enumerable.Range(ToDeviceInbox.MaxPerSync, 30));
        ToDeviceEvents(await SyncAsync(bobTokens["B1"], Batch(second))).Should().BeEmpty();
    }

    [Fact]
    public async Task Messages_for_unknown_devices_unknown_users_and_remote_users_are_dropped()
    {
        var (_, aliceTokens) = await NewUserAsync("A1");
        var (bob, bobTokens) = await NewUserAsync("B1");

        await (await SendAsync(aliceTokens["A1"], $$"""
            {"{{bob}}":{"NOPE":{"n":1} },"{{NewUserId()}}":{"*":{"n":2} },"@carol:remote.example":{"C1":{"n":3} } }
            """)).ShouldBeOkAsync();
        // A device created later does not get a message sent before it existed.
        await host.Services.GetRequiredService<IDeviceStore>().UpsertAsync(new DeviceRecord(bob, "NOPE", null, null, null), CancellationToken.None);

        ToDeviceEvents(await SyncAsync(bobTokens["B1"])).Should().BeEmpty();
        ToDeviceEvents(await SyncAsync(await host.AddTokenAsync(bob, "NOPE"))).Should().BeEmpty();
    }

    [Fact]
    public async Task Deleting_a_device_deletes_its_waiting_messages()
    {
        var (_, aliceTokens) = await NewUserAsync("A1");
        var (bob, bobTokens) = await NewUserAsync("B1", "B2");
        await (await SendAsync(aliceTokens["A1"], $$"""{"{{bob}}":{"*":{"n":1} } }""")).ShouldBeOkAsync();

        await host.Services.GetRequiredService<DeviceSessions>().DeleteDeviceAsync(bob, "B1", CancellationToken.None);
        await host.Services.GetRequiredService<IDeviceStore>().UpsertAsync(new DeviceRecord(bob, "B1", null, null, null), CancellationToken.None);

        ToDeviceEvents(await SyncAsync(await host.AddTokenAsync(bob, "B1"))).Should().BeEmpty();
        ToDeviceEvents(await SyncAsync(bobTokens["B2"])).Should().HaveCount(1);
    }

    [Fact]
    public async Task Logging_out_all_devices_deletes_their_waiting_messages()
    {
        var (_, aliceTokens) = await NewUserAsync("A1");
        var (bob, _) = await NewUserAsync("B1", "B2");
        await (await SendAsync(aliceTokens["A1"], $$"""{"{{bob}}":{"*":{"n":1} } }""")).ShouldBeOkAsync();

        await host.Services.GetRequiredService<DeviceSessions>().DeleteAllDevicesAsync(bob, null, CancellationToken.None);

        var inbox = host.Services.GetRequiredService<Homeserver.Storage.ToDevice.IToDeviceStore>();
        (await inbox.TakeAsync(bob, "B1", 0, long.MaxValue, 10, CancellationToken.None)).Should().BeEmpty();
        (await inbox.TakeAsync(bob, "B2", 0, long.MaxValue, 10, CancellationToken.None)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_waiting_sync_of_the_recipient_wakes_when_a_message_arrives()
    {
        var (_, aliceTokens) = await NewUserAsync("A1");
        var (bob, bobTokens) = await NewUserAsync("B1");
        var start = await SyncAsync(bobTokens["B1"]);

        var clock = Stopwatch.StartNew();
        var poll = SyncAsync(bobTokens["B1"], Batch(start), timeoutMs: 20000);
        await Task.Delay(200);
        poll.IsCompleted.Should().BeFalse();
        await (await SendAsync(aliceTokens["A1"], $$"""{"{{bob}}":{"B1":{"wake":true} } }""")).ShouldBeOkAsync();
        var woken = await poll;

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        ToDeviceEvents(woken)[0]!["content"].ShouldEqualJson("""{"wake":true}""");
    }

    [Theory]
    [InlineData("""{"messages":[]}""", 400, ErrorCodes.BadJson)]
    [InlineData("""{}""", 400, ErrorCodes.BadJson)]
    [InlineData("""{"messages":{"not-a-user":{"D":{}}}}""", 400, ErrorCodes.InvalidParam)]
    [InlineData("""{"messages":{"@bob:test.example":[]}}""", 400, ErrorCodes.BadJson)]
    [InlineData("""{"messages":{"@bob:test.example":{"D":"text"}}}""", 400, ErrorCodes.BadJson)]
    [InlineData("""{"messages":{"@bob:test.example":{"":{}}}}""", 400, ErrorCodes.InvalidParam)]
    public async Task Malformed_bodies_are_refused(string body, int status, string errcode)
    {
        var (_, aliceTokens) = await NewUserAsync("A1");
        var request = TestHost.Request(HttpMethod.Put, $"{V3}/sendToDevice/m.test/{Guid.NewGuid():N}", aliceTokens["A1"]);
        request.Content = TestHost.JsonContent(body);

        await (await _client.SendAsync(request)).ShouldBeMatrixErrorAsync(status, errcode);
    }

    [Fact]
    public async Task Too_many_messages_in_one_request_are_refused()
    {
        var (_, aliceTokens) = await NewUserAsync("A1");
        var devices = new StringBuilder();
        for (var i = 0; i <= SendToDeviceRequest.MaxMessages; i++)
            devices.Append(i == 0 ? "" : ",").Append($$"""
                "D{{i}}":{}
                """.Trim());

        var response = await SendAsync(aliceTokens["A1"], $$"""{"@bob:test.example":{ {{devices}} } }""");

        await response.ShouldBeMatrixErrorAsync(413, ErrorCodes.TooLarge);
    }

    [Fact]
    public async Task Sending_requires_an_access_token()
    {
        var response = await _client.SendJsonAsync(HttpMethod.Put, $"{V3}/sendToDevice/m.test/txn", new JsonObject { ["messages"] = new JsonObject() });

        await response.ShouldBeMatrixErrorAsync(401, ErrorCodes.MissingToken);
    }
}
