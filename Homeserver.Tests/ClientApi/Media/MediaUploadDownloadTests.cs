using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Homeserver.Tests.Http;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Tests.ClientApi.Media;

/// <summary>Uploads and downloads: byte-exact round trips, headers, authentication, limits and the legacy switch.</summary>
public sealed class MediaUploadDownloadTests : IClassFixture<MediaUploadDownloadTests.Fixture>
{
    public sealed class Fixture : IDisposable
    {
        public MediaTestHost Media { get; } = new();

        public void Dispose() => Media.Dispose();
    }

    private readonly MediaTestHost _media;

    public MediaUploadDownloadTests(Fixture fixture) => _media = fixture.Media;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100 * 1024)]
    [InlineData(3 * 1024 * 1024)]
    public async Task Uploads_download_byte_for_byte_from_both_endpoints(int size)
    {
        var token = await _media.NewUserTokenAsync();
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);

        var mediaId = await _media.UploadMediaIdAsync(token, bytes, "application/octet-stream", "data.bin");

        mediaId.Should().MatchRegex("^[A-Za-z0-9]{24}$");
        var authenticated = await _media.GetAsync($"{MediaTestHost.V1}/download/{TestHost.ServerName}/{mediaId}", token);
        authenticated.StatusCode.Should().Be(HttpStatusCode.OK);
        (await authenticated.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);
        authenticated.Content.Headers.ContentLength.Should().Be(size);
        authenticated.Content.Headers.ContentDisposition!.ToString().Should().Be("attachment; filename=\"data.bin\"");

        var legacy = await _media.GetAsync($"{MediaTestHost.V3}/download/{TestHost.ServerName}/{mediaId}", null);
        legacy.StatusCode.Should().Be(HttpStatusCode.OK);
        (await legacy.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);
    }

    [Fact]
    public async Task Content_type_is_kept_and_the_file_name_of_the_path_wins()
    {
        var token = await _media.NewUserTokenAsync();
        var mediaId = await _media.UploadMediaIdAsync(token, "hello"u8.ToArray(), "text/plain; charset=utf-8", "original.txt");

        var response = await _media.GetAsync($"{MediaTestHost.V1}/download/{TestHost.ServerName}/{mediaId}/other.txt", token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().Should().Be("text/plain; charset=utf-8");
        response.Content.Headers.ContentDisposition!.ToString().Should().Be("inline; filename=\"other.txt\"");
        (await response.Content.ReadAsStringAsync()).Should().Be("hello");
    }

    [Fact]
    public async Task An_upload_without_content_type_is_octet_stream_and_without_file_name_has_none()
    {
        var token = await _media.NewUserTokenAsync();
        var mediaId = await _media.UploadMediaIdAsync(token, [1, 2, 3], null);

        var response = await _media.GetAsync($"{MediaTestHost.V1}/download/{TestHost.ServerName}/{mediaId}", token);

        response.Content.Headers.ContentType!.MediaType.Should().Be("application/octet-stream");
        response.Content.Headers.ContentDisposition!.ToString().Should().Be("attachment");
    }

    [Theory]
    [InlineData("image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", "drawing.svg")]
    [InlineData("text/html", "<html><script>alert(1)</script></html>", "page.html")]
    [InlineData("application/javascript", "alert(1)", "x.js")]
    public async Task Active_content_is_served_as_attachment_with_the_sandbox_headers(string contentType, string content, string fileName)
    {
        var token = await _media.NewUserTokenAsync();
        var mediaId = await _media.UploadMediaIdAsync(token, Encoding.UTF8.GetBytes(content), contentType, fileName);

        foreach (var (path, auth) in new[] { (MediaTestHost.V1, token), (MediaTestHost.V3, null) })
        {
            var response = await _media.GetAsync($"{path}/download/{TestHost.ServerName}/{mediaId}", auth);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            response.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
            response.Content.Headers.ContentDisposition.FileName!.Trim('"').Should().Be(fileName);
            ShouldHaveSecurityHeaders(response);
        }
    }

    [Fact]
    public async Task Images_are_inline_with_the_security_headers()
    {
        var token = await _media.NewUserTokenAsync();
        var mediaId = await _media.UploadMediaIdAsync(token, TestImages.Png(4, 4), "image/png", "pic.png");

        var response = await _media.GetAsync($"{MediaTestHost.V1}/download/{TestHost.ServerName}/{mediaId}", token);

        response.Content.Headers.ContentDisposition!.ToString().Should().Be("inline; filename=\"pic.png\"");
        ShouldHaveSecurityHeaders(response);
        response.Headers.CacheControl!.Private.Should().BeTrue();
    }

    [Fact]
    public async Task Unusual_file_names_are_given_as_safe_ascii_and_as_utf8()
    {
        var token = await _media.NewUserTokenAsync();
        var mediaId = await _media.UploadMediaIdAsync(token, [1], "image/png", "Grüße \"x\" ✓.png");

        var response = await _media.GetAsync($"{MediaTestHost.V1}/download/{TestHost.ServerName}/{mediaId}", token);

        response.Content.Headers.GetValues("Content-Disposition").Single().Should()
            .Be("inline; filename=\"Gr__e _x_ _.png\"; filename*=utf-8''Gr%C3%BC%C3%9Fe%20%22x%22%20%E2%9C%93.png");
        response.Content.Headers.ContentDisposition!.FileNameStar.Should().Be("Grüße \"x\" ✓.png");
    }

    [Fact]
    public async Task A_file_name_with_control_characters_is_refused()
    {
        var token = await _media.NewUserTokenAsync();
        var response = await _media.UploadAsync(token, [1], "text/plain", "a\nb.txt");
        await response.ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_malformed_content_type_is_refused()
    {
        var token = await _media.NewUserTokenAsync();
        var request = TestHost.Request(HttpMethod.Post, $"{MediaTestHost.V3}/upload", token);
        request.Content = new ByteArrayContent([1]);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "not a type");

        var response = await _media.Client.SendAsync(request);

        await response.ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
    }

    [Theory]
    [InlineData("/download/test.example/abcdefgh")]
    [InlineData("/download/test.example/abcdefgh/name.txt")]
    [InlineData("/thumbnail/test.example/abcdefgh?width=32&height=32")]
    [InlineData("/config")]
    [InlineData("/preview_url?url=https%3A%2F%2Fexample.org")]
    public async Task Authenticated_media_endpoints_need_an_access_token(string path)
    {
        var response = await _media.GetAsync(MediaTestHost.V1 + path, null);
        await response.ShouldBeMatrixErrorAsync(401, "M_MISSING_TOKEN");
    }

    [Theory]
    [InlineData("POST", "/_matrix/media/v3/upload")]
    [InlineData("POST", "/_matrix/media/v1/create")]
    [InlineData("PUT", "/_matrix/media/v3/upload/test.example/abcdefgh")]
    [InlineData("GET", "/_matrix/media/v3/config")]
    public async Task Uploads_and_the_legacy_config_need_an_access_token(string method, string path)
    {
        var request = TestHost.Request(new HttpMethod(method), path);
        if (method != "GET") request.Content = new ByteArrayContent([1]);
        var response = await _media.Client.SendAsync(request);
        await response.ShouldBeMatrixErrorAsync(401, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task Config_states_the_upload_limit()
    {
        var token = await _media.NewUserTokenAsync();
        foreach (var path in new[] { MediaTestHost.V1, MediaTestHost.V3 })
        {
            var body = await MediaTestHost.OkJsonAsync(await _media.GetAsync($"{path}/config", token));
            body["m.upload.size"]!.GetValue<long>().Should().Be(50L * 1024 * 1024);
        }
    }

    [Fact]
    public async Task Unknown_media_is_not_found_and_unreachable_remote_media_fails()
    {
        var token = await _media.NewUserTokenAsync();
        await (await _media.GetAsync($"{MediaTestHost.V1}/download/{TestHost.ServerName}/NoSuchMediaId123", token)).ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
        var mediaId = await _media.UploadMediaIdAsync(token, [1], "text/plain");
        // Remote media is fetched from its server (ServerApi.Misc.RemoteMediaTests); this one cannot be reached.
        await (await _media.GetAsync($"{MediaTestHost.V1}/download/other.example/{mediaId}", token)).ShouldBeMatrixErrorAsync(502, "M_UNKNOWN");
        await (await _media.GetAsync($"{MediaTestHost.V3}/download/other.example/{mediaId}?allow_remote=false", null)).ShouldBeMatrixErrorAsync(404, "M_NOT_FOUND");
    }

    [Theory]
    [InlineData("..")]
    [InlineData("%2e%2e")]
    [InlineData("..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("..%5C..%5Cwindows")]
    [InlineData("abc%2Fdef")]
    [InlineData("a.b")]
    [InlineData("%C3%A9t%C3%A9")]
    public async Task Traversal_in_the_media_id_is_refused_everywhere(string mediaId)
    {
        var token = await _media.NewUserTokenAsync();
        var before = _media.AllFiles();
        var paths = new[]
        {
            ($"{MediaTestHost.V1}/download/{TestHost.ServerName}/{mediaId}", token),
            ($"{MediaTestHost.V1}/download/{TestHost.ServerName}/{mediaId}/x.txt", token),
            ($"{MediaTestHost.V1}/thumbnail/{TestHost.ServerName}/{mediaId}?width=32&height=32", token),
            ($"{MediaTestHost.V3}/download/{TestHost.ServerName}/{mediaId}", null),
            ($"{MediaTestHost.V3}/thumbnail/{TestHost.ServerName}/{mediaId}?width=32&height=32", null),
        };
        foreach (var (path, auth) in paths)
        {
            var response = await _media.GetAsync(path, auth);
            ((int)response.StatusCode).Should().BeOneOf([400, 404], path);
        }
        var put = TestHost.Request(HttpMethod.Put, $"{MediaTestHost.V3}/upload/{TestHost.ServerName}/{mediaId}", token);
        put.Content = new ByteArrayContent("evil"u8.ToArray());
        // The HTTP client collapses a trailing ".." segment, so that PUT reaches the POST-only upload route: 405.
        ((int)(await _media.Client.SendAsync(put)).StatusCode).Should().BeOneOf(400, 404, 405);

        _media.AllFiles().Should().BeEquivalentTo(before, "nothing may be written for a refused id");
    }

    [Theory]
    [InlineData("..")]
    [InlineData("%2e%2e")]
    [InlineData("..%2F..")]
    [InlineData("a%5Cb")]
    [InlineData("exa mple.org")]
    public async Task Traversal_in_the_server_name_is_refused(string serverName)
    {
        var token = await _media.NewUserTokenAsync();
        var response = await _media.GetAsync($"{MediaTestHost.V1}/download/{serverName}/abcdefgh", token);
        ((int)response.StatusCode).Should().BeOneOf(400, 404);
        var legacy = await _media.GetAsync($"{MediaTestHost.V3}/thumbnail/{serverName}/abcdefgh?width=1&height=1", null);
        ((int)legacy.StatusCode).Should().BeOneOf(400, 404);
    }

    [Theory]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    [InlineData("%2e%2e")]
    public async Task Traversal_in_the_download_file_name_only_names_the_download(string fileName)
    {
        var token = await _media.NewUserTokenAsync();
        var mediaId = await _media.UploadMediaIdAsync(token, "content"u8.ToArray(), "text/plain");

        var response = await _media.GetAsync($"{MediaTestHost.V1}/download/{TestHost.ServerName}/{mediaId}/{fileName}", token);

        if (response.StatusCode == HttpStatusCode.OK)
            (await response.Content.ReadAsStringAsync()).Should().Be("content");
        else
            ((int)response.StatusCode).Should().BeOneOf(400, 404);
    }

    [Theory]
    [InlineData("/_matrix/client/v1/media/download/test.example/abc\0def")]
    [InlineData("/_matrix/client/v1/media/download/test.example/abc\0def/x.txt")]
    [InlineData("/_matrix/client/v1/media/download/test.ex\0ample/abcdefgh")]
    [InlineData("/_matrix/client/v1/media/download/test.example/abcdefgh/a\0b")]
    [InlineData("/_matrix/client/v1/media/thumbnail/test.example/abc\0def")]
    [InlineData("/_matrix/media/v3/download/test.example/abc\0def")]
    [InlineData("/_matrix/media/v3/thumbnail/test.example/abc\0def")]
    public async Task Nul_characters_in_any_path_part_are_refused(string path)
    {
        // HttpClient refuses to send a NUL, so the request is built on the server side as a server would decode it.
        var token = await _media.NewUserTokenAsync();
        var before = _media.AllFiles();

        var context = await _media.Host.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = new PathString(path);
            c.Request.QueryString = new QueryString("?width=32&height=32");
            c.Request.Headers.Authorization = "Bearer " + token;
        });

        context.Response.StatusCode.Should().BeOneOf(400, 404);
        _media.AllFiles().Should().BeEquivalentTo(before);
    }

    private static void ShouldHaveSecurityHeaders(HttpResponseMessage response)
    {
        response.Headers.GetValues("Content-Security-Policy").Single().Should().Be(
            "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; style-src 'unsafe-inline'; media-src 'self'; object-src 'self';");
        response.Headers.GetValues("Cross-Origin-Resource-Policy").Single().Should().Be("cross-origin");
        response.Headers.GetValues("X-Content-Type-Options").Single().Should().Be("nosniff");
    }
}
