using System.Net;
using System.Net.Http.Headers;
using Homeserver.Federation.Http;
using Homeserver.Media.Remote;
using Homeserver.Tests.ClientApi.Media;
using Homeserver.Tests.ClientApi.Rooms;
using Homeserver.Tests.Http;

namespace Homeserver.Tests.ServerApi.Misc;

/// <summary>
/// Media across servers: A serves its media on the federation media endpoints; B's clients download and thumbnail A's
/// media through B, which fetches it once over federation and serves it from its cache afterwards, even while A is down.
/// </summary>
public sealed class RemoteMediaTests : IClassFixture<RemoteMediaTests.Fixture>, IDisposable
{
    public const long BLimit = 256 * 1024;

    public sealed class Fixture : IDisposable
    {
        public Fixture()
        {
            Network = InMemoryFederationNetwork.Connect(A.Host, B.Host);
        }

        public MiscHost A { get; } = new("media-a.test");

        public MiscHost B { get; } = new("media-b.test", config => config.MaxUploadSize = BLimit);

        public InMemoryFederationNetwork Network { get; }

        public void Dispose()
        {
            A.Dispose();
            B.Dispose();
        }
    }

    private readonly Fixture _fixture;
    private readonly TestRemoteServer _remote = new("remote.example");

    public RemoteMediaTests(Fixture fixture) => _fixture = fixture;

    private MiscHost A => _fixture.A;
    private MiscHost B => _fixture.B;

    public void Dispose()
    {
        _fixture.Network.SetReachable(A.Name, true);
        _remote.Dispose();
    }

    private static Task<HttpResponseMessage> GetAsync(MiscHost host, string path, string? token) =>
        host.Client.SendAsync(TestHost.Request(HttpMethod.Get, path, token));

    private static byte[] RandomBytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task Media_of_another_server_is_fetched_once_and_then_served_from_the_cache()
    {
        var alice = await A.NewUserAsync();
        var bob = await B.NewUserAsync();
        var bytes = RandomBytes(100_000, 1);
        var mediaId = await A.UploadAsync(alice, bytes, "application/pdf", "report.pdf");

        var first = await GetAsync(B, $"/_matrix/client/v1/media/download/{A.Name}/{mediaId}", bob.Token);

        first.StatusCode.Should().Be(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        (await first.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);
        first.Content.Headers.ContentType!.MediaType.Should().Be("application/pdf");
        first.Content.Headers.ContentDisposition!.ToString().Should().Be("attachment; filename=\"report.pdf\"");
        var cached = Path.Combine(B.MediaStore, "remote_content", A.Name, mediaId[..2], mediaId[2..4], mediaId[4..]);
        File.ReadAllBytes(cached).Should().Equal(bytes, "the cache follows Synapse's remote_content layout");

        _fixture.Network.SetReachable(A.Name, false);
        var again = await GetAsync(B, $"/_matrix/client/v1/media/download/{A.Name}/{mediaId}/renamed.pdf", bob.Token);
        again.StatusCode.Should().Be(HttpStatusCode.OK);
        (await again.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);
        again.Content.Headers.ContentDisposition!.ToString().Should().Be("attachment; filename=\"renamed.pdf\"");
        var legacy = await GetAsync(B, $"/_matrix/media/v3/download/{A.Name}/{mediaId}", null);
        legacy.StatusCode.Should().Be(HttpStatusCode.OK);
        (await legacy.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);
    }

    [Fact]
    public async Task Remote_thumbnails_are_made_from_the_cached_original()
    {
        var alice = await A.NewUserAsync();
        var bob = await B.NewUserAsync();
        var mediaId = await A.UploadAsync(alice, TestImages.Png(400, 300), "image/png", "picture.png");

        var response = await GetAsync(B, $"/_matrix/client/v1/media/thumbnail/{A.Name}/{mediaId}?width=32&height=32&method=crop", bob.Token);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var thumbnail = await response.Content.ReadAsByteArrayAsync();
        var (width, height, _) = TestImages.Measure(thumbnail);
        (width, height).Should().Be((32, 32));
        Directory.GetFiles(Path.Combine(B.MediaStore, "remote_thumbnail", A.Name), "*", SearchOption.AllDirectories).Should().NotBeEmpty();

        _fixture.Network.SetReachable(A.Name, false);
        var again = await GetAsync(B, $"/_matrix/client/v1/media/thumbnail/{A.Name}/{mediaId}?width=32&height=32&method=crop", bob.Token);
        (await again.Content.ReadAsByteArrayAsync()).Should().Equal(thumbnail);
    }

    [Fact]
    public async Task Unknown_unreachable_and_refused_remote_media_give_matrix_errors()
    {
        var alice = await A.NewUserAsync();
        var bob = await B.NewUserAsync();
        await (await GetAsync(B, $"/_matrix/client/v1/media/download/{A.Name}/NoSuchMedia123", bob.Token)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);

        var mediaId = await A.UploadAsync(alice, [1, 2, 3], "application/octet-stream");
        await (await GetAsync(B, $"/_matrix/media/v3/download/{A.Name}/{mediaId}?allow_remote=false", null)).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await GetAsync(B, $"/_matrix/media/v3/download/{A.Name}/{mediaId}?allow_remote=maybe", null)).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);

        _fixture.Network.SetReachable(A.Name, false);
        await (await GetAsync(B, $"/_matrix/client/v1/media/download/{A.Name}/{mediaId}", bob.Token)).ShouldBeMatrixErrorAsync(502, ErrorCodes.Unknown);
        await (await GetAsync(B, $"/_matrix/client/v1/media/download/nowhere.example/{mediaId}", bob.Token)).ShouldBeMatrixErrorAsync(502, ErrorCodes.Unknown);
        _fixture.Network.SetReachable(A.Name, true);
        (await GetAsync(B, $"/_matrix/client/v1/media/download/{A.Name}/{mediaId}", bob.Token)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Remote_media_over_the_upload_limit_is_refused_and_not_cached()
    {
        var alice = await A.NewUserAsync();
        var bob = await B.NewUserAsync();
        var mediaId = await A.UploadAsync(alice, RandomBytes((int)BLimit + 1, 2), "application/octet-stream");

        await (await GetAsync(B, $"/_matrix/client/v1/media/download/{A.Name}/{mediaId}", bob.Token)).ShouldBeMatrixErrorAsync(502, ErrorCodes.TooLarge);

        Directory.Exists(Path.Combine(B.MediaStore, "remote_content", A.Name, mediaId[..2], mediaId[2..4])).Should().BeFalse();
        Directory.GetFiles(Path.Combine(B.MediaStore, "tmp")).Should().BeEmpty("the partial download is deleted");
    }

    [Fact]
    public async Task The_federation_media_endpoints_answer_multipart_with_local_media_only()
    {
        var alice = await A.NewUserAsync();
        var bytes = RandomBytes(5000, 3);
        var mediaId = await A.UploadAsync(alice, bytes, "text/plain", "notes.txt");

        var download = await A.SignedAsync(_remote, HttpMethod.Get, $"/_matrix/federation/v1/media/download/{mediaId}");

        download.StatusCode.Should().Be(HttpStatusCode.OK);
        download.Content.Headers.ContentType!.MediaType.Should().Be("multipart/mixed");
        var part = await MultipartMediaReader.ReadAsync(download.Content.Headers.ContentType.ToString(), await download.Content.ReadAsStreamAsync(),
            CancellationToken.None);
        part.ContentType.Should().Be("text/plain");
        part.FileName.Should().Be("notes.txt");
        using (var content = new MemoryStream())
        {
            await part.Body!.CopyToAsync(content);
            content.ToArray().Should().Equal(bytes);
        }

        var imageId = await A.UploadAsync(alice, TestImages.Png(300, 300), "image/png");
        var thumbnail = await A.SignedAsync(_remote, HttpMethod.Get, $"/_matrix/federation/v1/media/thumbnail/{imageId}?width=64&height=64&method=scale");
        thumbnail.StatusCode.Should().Be(HttpStatusCode.OK, await thumbnail.Content.ReadAsStringAsync());
        var image = await MultipartMediaReader.ReadAsync(thumbnail.Content.Headers.ContentType!.ToString(), await thumbnail.Content.ReadAsStreamAsync(),
            CancellationToken.None);
        image.ContentType.Should().StartWith("image/");

        await (await A.SignedAsync(_remote, HttpMethod.Get, "/_matrix/federation/v1/media/download/NoSuchMedia123")).ShouldBeMatrixErrorAsync(404, ErrorCodes.NotFound);
        await (await A.SignedAsync(_remote, HttpMethod.Get, $"/_matrix/federation/v1/media/thumbnail/{imageId}?width=64")).ShouldBeMatrixErrorAsync(400, ErrorCodes.MissingParam);
        await (await A.SignedAsync(_remote, HttpMethod.Get, "/_matrix/federation/v1/media/download/bad.id")).ShouldBeMatrixErrorAsync(400, ErrorCodes.InvalidParam);
        var unsigned = await A.Client.GetAsync($"/_matrix/federation/v1/media/download/{mediaId}");
        await unsigned.ShouldBeMatrixErrorAsync(401, ErrorCodes.Unauthorized);
    }
}
