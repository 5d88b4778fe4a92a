using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Homeserver.LoadTest;

/// <summary>
/// The few Client-Server API calls the load test makes, over one shared <see cref="HttpClient"/>
/// (keep-alive connections, at most <c>maxConnections</c> to the server). Each call names its user,
/// so many users share one connection pool as a load generator's clients would.
/// </summary>
public sealed class MatrixClient : IDisposable
{
    private readonly HttpClient _http;

    public MatrixClient(Uri baseUrl, int maxConnections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary><c>GET /_matrix/client/versions</c>, reading the whole body.</summary>
    public async Task VersionsAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("/_matrix/client/versions", cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Registers through user-interactive auth with the dummy stage (the server must allow registration).</summary>
    public async Task<MatrixUser> RegisterAsync(string username, string password, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["username"] = username, ["password"] = password };
        using (var first = await _http.PostAsJsonAsync("/_matrix/client/v3/register", body, cancellationToken))
        {
            var challenge = await ReadObjectAsync(first, cancellationToken);
            if (first.StatusCode != HttpStatusCode.Unauthorized || challenge["session"]?.GetValue<string>() is not { } session)
                throw new InvalidOperationException($"register {username}: expected a 401 with a session, got {(int)first.StatusCode} {challenge.ToJsonString()}");
            body["auth"] = new JsonObject { ["type"] = "m.login.dummy", ["session"] = session };
        }
        using var second = await _http.PostAsJsonAsync("/_matrix/client/v3/register", body, cancellationToken);
        var registered = await ReadSuccessAsync(second, $"register {username}", cancellationToken);
        return new MatrixUser(registered["user_id"]!.GetValue<string>(), registered["access_token"]!.GetValue<string>());
    }

    public async Task<string> CreateRoomAsync(MatrixUser user, string name, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["preset"] = "public_chat", ["name"] = name };
        using var response = await SendAsync(HttpMethod.Post, "/_matrix/client/v3/createRoom", user, body, cancellationToken);
        return (await ReadSuccessAsync(response, "createRoom", cancellationToken))["room_id"]!.GetValue<string>();
    }

    public async Task JoinAsync(MatrixUser user, string roomId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/join", user,
            new JsonObject(), cancellationToken);
        await ReadSuccessAsync(response, $"join {roomId}", cancellationToken);
    }

    /// <summary><c>PUT /rooms/{roomId}/send/m.room.message/{txnId}</c>; returns the event id.</summary>
    public async Task<string> SendMessageAsync(MatrixUser user, string roomId, string txnId, string text, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["msgtype"] = "m.text", ["body"] = text };
        var path = $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/send/m.room.message/{Uri.EscapeDataString(txnId)}";
        using var response = await SendAsync(HttpMethod.Put, path, user, body, cancellationToken);
        return (await ReadSuccessAsync(response, "send", cancellationToken))["event_id"]!.GetValue<string>();
    }

    /// <summary><c>GET /sync</c> with an optional since token and long-poll timeout; returns the parsed response.</summary>
    public async Task<JsonObject> SyncAsync(MatrixUser user, string? since, int timeoutMs, CancellationToken cancellationToken)
    {
        var path = $"/_matrix/client/v3/sync?timeout={timeoutMs}" + (since is null ? "" : $"&since={Uri.EscapeDataString(since)}");
        using var response = await SendAsync(HttpMethod.Get, path, user, null, cancellationToken);
        return await ReadSuccessAsync(response, "sync", cancellationToken);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, MatrixUser user, JsonObject? body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        return _http.SendAsync(request, cancellationToken);
    }

    private static async Task<JsonObject> ReadSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var body = await ReadObjectAsync(response, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{what}: HTTP {(int)response.StatusCode} {body.ToJsonString()}");
        return body;
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return JsonNode.Parse(text.Length == 0 ? "{}" : text) as JsonObject ?? new JsonObject();
    }

    public void Dispose() => _http.Dispose();
}
