using System.Text.Json.Nodes;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Storage.Events;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.ClientApi.Sync;

/// <summary>Rooms and events made directly through the host's pipeline, and sync/messages requests.</summary>
internal sealed class SyncTestRooms(TestHost host)
{
    public const string V3 = "/_matrix/client/v3";

    private readonly HttpClient _client = host.CreateClient();

    private RoomEventPipeline Pipeline => host.Services.GetRequiredService<RoomEventPipeline>();

    public static string NewUserId() => $"@u{Guid.NewGuid():N}:{TestHost.ServerName}";

    public async Task<(string UserId, string Token)> NewUserAsync(string deviceId = "DEVICE")
    {
        var userId = NewUserId();
        return (userId, await host.AddTokenAsync(userId, deviceId));
    }

    /// <summary>A public room of the creator: create, join, power levels, join rules (and more state if given).</summary>
    public async Task<string> CreateRoomAsync(string creator)
    {
        // The test clock stands still: a nonce keeps two rooms of one creator from having the same create event (and id).
        var nonce = new JsonObject { ["org.example.nonce"] = Guid.NewGuid().ToString("N") };
        var created = await Pipeline.CreateRoomAsync(RoomVersionRegistry.Default, creator, nonce, CancellationToken.None);
        created.CreateEvent.IsAccepted.Should().BeTrue(created.CreateEvent.Reason);
        await SendAsync(created.RoomId, creator, "m.room.member", new JsonObject { ["membership"] = "join" }, creator);
        await SendAsync(created.RoomId, creator, "m.room.power_levels", new JsonObject(), "");
        await SendAsync(created.RoomId, creator, "m.room.join_rules", new JsonObject { ["join_rule"] = "public" }, "");
        return created.RoomId;
    }

    public async Task<string> SendAsync(string roomId, string sender, string type, JsonObject content, string? stateKey = null,
        ClientTransactionKey? transaction = null)
    {
        var result = await Pipeline.SendAsync(new LocalEventDraft(roomId, type, stateKey, sender, content), transaction, CancellationToken.None);
        result.IsAccepted.Should().BeTrue(result.Reason);
        return result.EventId!;
    }

    public async Task<string> RedactAsync(string roomId, string sender, string targetId)
    {
        var result = await Pipeline.SendAsync(new LocalEventDraft(roomId, "m.room.redaction", null, sender, new JsonObject { ["reason"] = "oops" }, targetId),
            null, CancellationToken.None);
        result.IsAccepted.Should().BeTrue(result.Reason);
        return result.EventId!;
    }

    public Task<string> MessageAsync(string roomId, string sender, string body, ClientTransactionKey? transaction = null) =>
        SendAsync(roomId, sender, "m.room.message", new JsonObject { ["msgtype"] = "m.text", ["body"] = body }, null, transaction);

    public Task<string> MembershipAsync(string roomId, string sender, string target, string membership) =>
        SendAsync(roomId, sender, "m.room.member", new JsonObject { ["membership"] = membership }, target);

    public Task<HttpResponseMessage> GetAsync(string pathAndQuery, string token) =>
        _client.SendAsync(TestHost.Request(HttpMethod.Get, pathAndQuery, token));

    public async Task<JsonObject> SyncAsync(string token, string query = "")
    {
        var response = await GetAsync($"{V3}/sync{(query.Length > 0 ? "?" + query : "")}", token);
        var body = await response.ReadJsonObjectAsync();
        ((int)response.StatusCode).Should().Be(200, body.ToJsonString());
        return body;
    }

    public async Task<JsonObject> MessagesAsync(string token, string roomId, string query)
    {
        var response = await GetAsync($"{V3}/rooms/{Uri.EscapeDataString(roomId)}/messages?{query}", token);
        var body = await response.ReadJsonObjectAsync();
        ((int)response.StatusCode).Should().Be(200, body.ToJsonString());
        return body;
    }

    public static string Q(string value) => Uri.EscapeDataString(value);

    public static JsonArray TimelineOf(JsonObject sync, string roomId) =>
        sync["rooms"]!["join"]![roomId]!["timeline"]!["events"]!.AsArray();

    public static List<string> Bodies(JsonArray events) =>
        [.. events.Where(e => (string?)e!["type"] == "m.room.message").Select(e => (string)e!["content"]!["body"]!)];

    public static List<string> Ids(JsonArray events) => [.. events.Select(e => (string)e!["event_id"]!)];
}
