using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Tests.ClientApi.Accounts;
using Homeserver.Tests.Http;
using static Homeserver.Tests.ClientApi.Accounts.AccountRequests;

namespace Homeserver.Tests.ClientApi.Rooms;

/// <summary>A homeserver with open registration and no message rate limit, for the room endpoint tests.</summary>
public sealed class RoomsFixture() : AccountsFixture(config =>
{
    config.EnableRegistration = true;
    config.AllowGuestAccess = true;
    config.RcMessage = new RateLimitConfig { PerSecond = 0, BurstCount = 0 };
});

/// <summary>A registered user and the requests the room tests make as them.</summary>
public sealed record RoomUser(HttpClient Client, string UserId, string Token)
{
    public static async Task<RoomUser> RegisterAsync(HttpClient client, string prefix = "room")
    {
        var registered = await client.RegisterAsync(NewName(prefix), "password");
        return new RoomUser(client, registered.Str("user_id"), registered.Str("access_token"));
    }

    public static async Task<RoomUser> RegisterGuestAsync(HttpClient client)
    {
        var response = await client.PostJsonAsync($"{V3}/register?kind=guest", new JsonObject());
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var registered = await response.ReadJsonObjectAsync();
        return new RoomUser(client, registered.Str("user_id"), registered.Str("access_token"));
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body = null) =>
        Client.SendJsonAsync(method, V3 + path, body, Token);

    /// <summary>Sends the request, asserts 200 and returns the JSON body (an object or an array).</summary>
    public async Task<JsonNode> OkAsync(HttpMethod method, string path, JsonObject? body = null)
    {
        var response = await SendAsync(method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }

    public async Task<string> CreateRoomAsync(JsonObject? body = null) =>
        (await OkAsync(HttpMethod.Post, "/createRoom", body ?? new JsonObject()))["room_id"]!.GetValue<string>();

    public async Task<string> SendMessageAsync(string roomId, string text, string? txnId = null) =>
        (await OkAsync(HttpMethod.Put, $"/rooms/{Esc(roomId)}/send/m.room.message/{txnId ?? Guid.NewGuid().ToString("N")}",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = text }))["event_id"]!.GetValue<string>();

    public Task<JsonNode> StateContentAsync(string roomId, string type, string stateKey = "") =>
        OkAsync(HttpMethod.Get, $"/rooms/{Esc(roomId)}/state/{type}/{Esc(stateKey)}");

    public Task<JsonNode> MembershipAsync(string roomId, string action, JsonObject? body = null) =>
        OkAsync(HttpMethod.Post, $"/rooms/{Esc(roomId)}/{action}", body ?? new JsonObject());

    public static string Esc(string value) => Uri.EscapeDataString(value);
}
