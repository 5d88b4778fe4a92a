using System.Net;
using Homeserver.Configuration;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ClientApi.Media;

/// <summary>The upload size limit (enforced while streaming), the upload rate limit and the legacy endpoint switch.</summary>
public sealed class MediaLimitsTests
{
    private const long Limit = 64 * 1024;

    [Fact]
    public async Task An_upload_declared_larger_than_the_limit_is_refused_up_front()
    {
        using var media = new MediaTestHost(config => config.MaxUploadSize = Limit);
        var token = await media.NewUserTokenAsync();

        var response = await media.UploadAsync(token, new byte[Limit + 1], "application/octet-stream");

        await response.ShouldBeMatrixErrorAsync(413, "M_TOO_LARGE");
        media.AllFiles().Should().BeEmpty();
    }

    [Fact]
    public async Task An_upload_exactly_at_the_limit_is_accepted()
    {
        using var media = new MediaTestHost(config => config.MaxUploadSize = Limit);
        var token = await media.NewUserTokenAsync();

        await media.UploadMediaIdAsync(token, new byte[Limit], "application/octet-stream");
    }

    [Fact]
    public async Task A_streamed_upload_is_cut_off_at_the_limit_and_leaves_no_file()
    {
        using var media = new MediaTestHost(config => config.MaxUploadSize = Limit);
        var token = await media.NewUserTokenAsync();
        var body = new EndlessContent();
        var request = TestHost.Request(HttpMethod.Post, $"{MediaTestHost.V3}/upload", token);
        request.Content = body;

        var response = await media.Client.SendAsync(request);

        // (The in-memory test server drains what the client still sends; MediaFilesTests shows that the
        // repository itself stops reading right after the limit.)
        await response.ShouldBeMatrixErrorAsync(413, "M_TOO_LARGE");
        media.AllFiles().Should().BeEmpty("the partial upload is deleted");
    }

    [Fact]
    public async Task A_streamed_upload_to_a_pending_id_is_cut_off_too()
    {
        using var media = new MediaTestHost(config => config.MaxUploadSize = Limit);
        var token = await media.NewUserTokenAsync();
        var created = await MediaTestHost.OkJsonAsync(await media.Client.SendAsync(TestHost.Request(HttpMethod.Post, "/_matrix/media/v1/create", token)));
        var mediaId = created["content_uri"]!.GetValue<string>().Split('/')[^1];
        var request = TestHost.Request(HttpMethod.Put, $"{MediaTestHost.V3}/upload/{TestHost.ServerName}/{mediaId}", token);
        request.Content = new EndlessContent();

        var response = await media.Client.SendAsync(request);

        await response.ShouldBeMatrixErrorAsync(413, "M_TOO_LARGE");
        media.AllFiles().Should().BeEmpty();
        var retry = TestHost.Request(HttpMethod.Put, $"{MediaTestHost.V3}/upload/{TestHost.ServerName}/{mediaId}", token);
        retry.Content = new ByteArrayContent([1, 2, 3]);
        (await media.Client.SendAsync(retry)).StatusCode.Should().Be(HttpStatusCode.OK, "a refused upload leaves the id pending");
    }

    [Fact]
    public async Task Uploads_are_rate_limited_per_user()
    {
        using var media = new MediaTestHost(config => config.RcMediaCreate = new RateLimitConfig { PerSecond = 0.001, BurstCount = 2 });
        var alice = await media.NewUserTokenAsync();
        var bob = await media.NewUserTokenAsync();

        (await media.UploadAsync(alice, [1], "text/plain")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await media.UploadAsync(alice, [1], "text/plain")).StatusCode.Should().Be(HttpStatusCode.OK);
        await (await media.UploadAsync(alice, [1], "text/plain")).ShouldBeMatrixErrorAsync(429, "M_LIMIT_EXCEEDED");
        await (await media.Client.SendAsync(TestHost.Request(HttpMethod.Post, "/_matrix/media/v1/create", alice))).ShouldBeMatrixErrorAsync(429, "M_LIMIT_EXCEEDED");
        (await media.UploadAsync(bob, [1], "text/plain")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Without_legacy_endpoints_only_the_authenticated_ones_serve_media()
    {
        using var media = new MediaTestHost(config => config.EnableLegacyMediaEndpoints = false);
        var token = await media.NewUserTokenAsync();
        var mediaId = await media.UploadMediaIdAsync(token, TestImages.Png(50, 50), "image/png");

        await (await media.GetAsync($"{MediaTestHost.V3}/download/{TestHost.ServerName}/{mediaId}", null)).ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
        await (await media.GetAsync($"{MediaTestHost.V3}/thumbnail/{TestHost.ServerName}/{mediaId}?width=32&height=32", null)).ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
        await (await media.GetAsync($"{MediaTestHost.V3}/config", token)).ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
        (await media.GetAsync($"{MediaTestHost.V1}/download/{TestHost.ServerName}/{mediaId}", token)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    /// <summary>A streamed request body of unknown length, four times the limit.</summary>
    private sealed class EndlessContent : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[16 * 1024];
            try
            {
                for (long written = 0; written < 4 * Limit; written += chunk.Length)
                    await stream.WriteAsync(chunk);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // The server stopped reading.
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
