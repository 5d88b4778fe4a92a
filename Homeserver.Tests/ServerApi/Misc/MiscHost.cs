using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Tests.ClientApi.Rooms;
using Homeserver.Tests.Cli;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ServerApi.Misc;

/// <summary>
/// A named test homeserver for the query, directory and media tests: open registration, no rate limits, its media
/// store in its own temporary folder. Connect several with <see cref="InMemoryFederationNetwork"/> before first use.
/// </summary>
public sealed class MiscHost : IDisposable
{
    private readonly TempFolder _folder = new();
    private HttpClient? _client;

    public MiscHost(string serverName, Action<HomeserverConfig>? configure = null)
    {
        Host = TestHost.With(config =>
        {
            config.ServerName = serverName;
            config.BcryptRounds = 4;
            config.EnableRegistration = true;
            var off = new RateLimitConfig { PerSecond = 0, BurstCount = 0 };
            config.RcRegistration = off;
            config.RcLogin = new LoginRateLimitConfig { Address = off, Account = off, FailedAttempts = off };
            config.RcMessage = off;
            config.RcMediaCreate = off;
            config.MediaStorePath = _folder["media_store"];
            configure?.Invoke(config);
        });
    }

    public TestHost Host { get; }

    public string Name => Host.Config.ServerName;

    public string MediaStore => Host.Config.MediaStorePath;

    /// <summary>The client of the host (starting it on first use).</summary>
    public HttpClient Client => _client ??= Host.CreateClient();

    public Task<RoomUser> NewUserAsync(string prefix = "misc") => RoomUser.RegisterAsync(Client, prefix);

    /// <summary>Creates a room as <paramref name="user"/>, a millisecond after the last (v12 room ids hash the create event's timestamp).</summary>
    public Task<string> CreateRoomAsync(RoomUser user, JsonObject? body = null)
    {
        Host.Time.Advance(TimeSpan.FromMilliseconds(1));
        return user.CreateRoomAsync(body);
    }

    /// <summary>Sends a request signed by <paramref name="remote"/> to this host.</summary>
    public Task<HttpResponseMessage> SignedAsync(TestRemoteServer remote, HttpMethod method, string pathAndQuery, JsonObject? body = null)
    {
        Host.RemoteKeys.Add(remote.Name, remote.Key);
        return Client.SendAsync(remote.Request(method, pathAndQuery, Name, body));
    }

    /// <summary>Uploads content as <paramref name="user"/> and returns its media id.</summary>
    public async Task<string> UploadAsync(RoomUser user, byte[] bytes, string contentType, string? fileName = null)
    {
        var request = TestHost.Request(HttpMethod.Post, "/_matrix/media/v3/upload" + (fileName is null ? "" : "?filename=" + Uri.EscapeDataString(fileName)),
            user.Token);
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var response = await Client.SendAsync(request);
        var body = await response.ReadJsonObjectAsync();
        ((int)response.StatusCode).Should().Be(200, body.ToJsonString());
        var uri = body["content_uri"]!.GetValue<string>();
        uri.Should().StartWith($"mxc://{Name}/");
        return uri[$"mxc://{Name}/".Length..];
    }

    public void Dispose()
    {
        _client?.Dispose();
        Host.Dispose();
        _folder.Dispose();
    }
}
