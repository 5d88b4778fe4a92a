using System.Net;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ClientApi.Media;

/// <summary><c>POST /media/v1/create</c> then <c>PUT /media/v3/upload/{serverName}/{mediaId}</c>, and downloads waiting for it.</summary>
public sealed class AsyncUploadTests : IDisposable
{
    private readonly MediaTestHost _media = new(config => config.MaxPendingMediaUploads = 3);

    public void Dispose() => _media.Dispose();

    private async Task<(string MediaId, long ExpiresAt)> CreateAsync(string token)
    {
        var body = await MediaTestHost.OkJsonAsync(await _media.Client.SendAsync(TestHost.Request(HttpMethod.Post, "/_matrix/media/v1/create", token)));
        var uri = body["content_uri"]!.GetValue<string>();
        uri.Should().MatchRegex($"^mxc://{TestHost.ServerName}/[A-Za-z0-9]{{24}}$");
        return (uri.Split('/')[^1], body["unused_expires_at"]!.GetValue<long>());
    }

    private Task<HttpResponseMessage> PutAsync(string token, string mediaId, byte[] bytes, string contentType = "text/plain", string? fileName = null)
    {
        var path = $"{MediaTestHost.V3}/upload/{TestHost.ServerName}/{mediaId}" + (fileName is null ? "" : $"?filename={fileName}");
        var request = TestHost.Request(HttpMethod.Put, path, token);
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return _media.Client.SendAsync(request);
    }

    [Fact]
    public async Task The_creator_uploads_once_and_the_content_is_served()
    {
        var token = await _media.NewUserTokenAsync();
        var (mediaId, expiresAt) = await CreateAsync(token);
        expiresAt.Should().Be(_media.Host.Time.GetUtcNow().AddHours(24).ToUnixTimeMilliseconds());

        var put = await PutAsync(token, mediaId, "first"u8.ToArray(), fileName: "a.txt");
        (await MediaTestHost.OkJsonAsync(put)).Should().BeEmpty();

        await (await PutAsync(token, mediaId, "second"u8.ToArray())).ShouldBeMatrixErrorAsync(409, "M_CANNOT_OVERWRITE_MEDIA");
        var download = await _media.GetAsync($"{MediaTestHost.V1}/download/{TestHost.ServerName}/{mediaId}", token);
        (await download.Content.ReadAsStringAsync()).Should().Be("first");
        download.Content.Headers.ContentDisposition!.FileName!.Trim('"').Should().Be("a.txt");
    }

    [Fact]
    public async Task Another_user_may_not_upload_to_the_id()
    {
        var alice = await _media.NewUserTokenAsync();
        var bob = await _media.NewUserTokenAsync();
        var (mediaId, _) = await CreateAsync(alice);

        await (await PutAsync(bob, mediaId, [1])).ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
        (await PutAsync(alice, mediaId, [1])).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unknown_remote_and_direct_upload_ids_cannot_be_uploaded_to()
    {
        var token = await _media.NewUserTokenAsync();
        await (await PutAsync(token, "NeverCreated123", [1])).ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
        var direct = await _media.UploadMediaIdAsync(token, [1], "text/plain");
        await (await PutAsync(token, direct, [2])).ShouldBeMatrixErrorAsync(409, "M_CANNOT_OVERWRITE_MEDIA");
        var (mediaId, _) = await CreateAsync(token);
        var remote = TestHost.Request(HttpMethod.Put, $"{MediaTestHost.V3}/upload/other.example/{mediaId}", token);
        remote.Content = new ByteArrayContent([1]);
        await (await _media.Client.SendAsync(remote)).ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task An_expired_id_is_gone()
    {
        var token = await _media.NewUserTokenAsync();
        var (mediaId, _) = await CreateAsync(token);

        _media.Host.Time.Advance(TimeSpan.FromHours(24));

        await (await PutAsync(token, mediaId, [1])).ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
        await (await _media.GetAsync($"{MediaTestHost.V1}/download/{TestHost.ServerName}/{mediaId}?timeout_ms=0", token)).ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Pending_ids_are_limited_per_user_until_uploaded_or_expired()
    {
        var token = await _media.NewUserTokenAsync();
        var first = await CreateAsync(token);
        await CreateAsync(token);
        await CreateAsync(token);

        await (await _media.Client.SendAsync(TestHost.Request(HttpMethod.Post, "/_matrix/media/v1/create", token))).ShouldBeMatrixErrorAsync(429, "M_LIMIT_EXCEEDED");
        (await _media.Client.SendAsync(TestHost.Request(HttpMethod.Post, "/_matrix/media/v1/create", await _media.NewUserTokenAsync())))
            .StatusCode.Should().Be(HttpStatusCode.OK, "the limit is per user");

        (await PutAsync(token, first.MediaId, [1])).StatusCode.Should().Be(HttpStatusCode.OK);
        await CreateAsync(token);
        _media.Host.Time.Advance(TimeSpan.FromHours(25));
        await CreateAsync(token);
    }

    [Fact]
    public async Task A_download_of_a_pending_id_times_out_with_not_yet_uploaded()
    {
        var token = await _media.NewUserTokenAsync();
        var (mediaId, _) = await CreateAsync(token);

        var response = await _media.GetAsync($"{MediaTestHost.V1}/download/{TestHost.ServerName}/{mediaId}?timeout_ms=50", token);
        await response.ShouldBeMatrixErrorAsync(504, "M_NOT_YET_UPLOADED");
        var thumbnail = await _media.GetAsync($"{MediaTestHost.V3}/thumbnail/{TestHost.ServerName}/{mediaId}?width=32&height=32&timeout_ms=0", null);
        await thumbnail.ShouldBeMatrixErrorAsync(504, "M_NOT_YET_UPLOADED");
        await (await _media.GetAsync($"{MediaTestHost.V1}/download/{TestHost.ServerName}/{mediaId}?timeout_ms=soon", token)).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_waiting_download_gets_the_content_once_it_is_uploaded()
    {
        var token = await _media.NewUserTokenAsync();
        var (mediaId, _) = await CreateAsync(token);

        var download = _media.GetAsync($"{MediaTestHost.V1}/download/{TestHost.ServerName}/{mediaId}?timeout_ms=10000", token);
        await Task.Delay(100);
        download.IsCompleted.Should().BeFalse();
        (await PutAsync(token, mediaId, "late"u8.ToArray())).StatusCode.Should().Be(HttpStatusCode.OK);

        var response = await download.WaitAsync(TimeSpan.FromSeconds(5));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("late");
    }
}
