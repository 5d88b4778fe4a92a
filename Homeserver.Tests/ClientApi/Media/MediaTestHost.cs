using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ClientApi.Media;

/// <summary>A test homeserver with its media store in a temporary folder, upload rate limits off, and two users.</summary>
public sealed class MediaTestHost : IDisposable
{
    public const string V1 = "/_matrix/client/v1/media";
    public const string V3 = "/_matrix/media/v3";

    private readonly Cli.TempFolder _folder = new();

    public MediaTestHost(Action<HomeserverConfig>? configure = null)
    {
        Host = TestHost.With(config =>
        {
            config.MediaStorePath = _folder["media_store"];
            config.RcMediaCreate = new RateLimitConfig { PerSecond = 0, BurstCount = 0 };
            configure?.Invoke(config);
        });
        Client = Host.CreateClient();
    }

    public TestHost Host { get; }

    public HttpClient Client { get; }

    /// <summary>The media store folder; everything the server writes must stay inside it.</summary>
    public string MediaStore => Host.Config.MediaStorePath;

    /// <summary>The temporary folder holding the media store (and nothing else written by the server).</summary>
    public string Folder => _folder.Path;

    public Task<string> NewUserTokenAsync(string? userId = null) =>
        Host.AddTokenAsync(userId ?? $"@u{Guid.NewGuid():N}:{TestHost.ServerName}", "DEVICE");

    public async Task<HttpResponseMessage> UploadAsync(string token, byte[] bytes, string? contentType, string? fileName = null)
    {
        var path = $"{V3}/upload" + (fileName is null ? "" : "?filename=" + Uri.EscapeDataString(fileName));
        var request = TestHost.Request(HttpMethod.Post, path, token);
        request.Content = new ByteArrayContent(bytes);
        if (contentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await Client.SendAsync(request);
    }

    /// <summary>Uploads and returns the media id of the new content URI.</summary>
    public async Task<string> UploadMediaIdAsync(string token, byte[] bytes, string? contentType, string? fileName = null)
    {
        var response = await UploadAsync(token, bytes, contentType, fileName);
        var body = await response.ReadJsonObjectAsync();
        ((int)response.StatusCode).Should().Be(200, body.ToJsonString());
        var uri = body["content_uri"]!.GetValue<string>();
        uri.Should().StartWith($"mxc://{TestHost.ServerName}/");
        return uri[$"mxc://{TestHost.ServerName}/".Length..];
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? token) =>
        Client.SendAsync(TestHost.Request(HttpMethod.Get, path, token));

    public static async Task<JsonObject> OkJsonAsync(HttpResponseMessage response)
    {
        var body = await response.ReadJsonObjectAsync();
        ((int)response.StatusCode).Should().Be(200, body.ToJsonString());
        return body;
    }

    /// <summary>Every file under the temporary folder, for checks that nothing landed outside the media store.</summary>
    public IReadOnlyList<string> AllFiles() => Directory.GetFiles(Folder, "*", SearchOption.AllDirectories);

    public void Dispose()
    {
        Client.Dispose();
        Host.Dispose();
        _folder.Dispose();
    }
}
