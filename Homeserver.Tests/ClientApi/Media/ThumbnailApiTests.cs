using System.Net;
using Homeserver.Tests.Http;
using SkiaSharp;

namespace Homeserver.Tests.ClientApi.Media;

/// <summary>Thumbnails of real PNG, JPEG, GIF and WebP images: sizes, methods, caching and refusals.</summary>
public sealed class ThumbnailApiTests : IClassFixture<ThumbnailApiTests.Fixture>
{
    public sealed class Fixture : IDisposable
    {
        public MediaTestHost Media { get; } = new(config => config.MaxImagePixels = 2_000_000);

        public void Dispose() => Media.Dispose();
    }

    private readonly MediaTestHost _media;

    public ThumbnailApiTests(Fixture fixture) => _media = fixture.Media;

    private async Task<(string Token, string MediaId)> UploadAsync(byte[] image, string contentType)
    {
        var token = await _media.NewUserTokenAsync();
        return (token, await _media.UploadMediaIdAsync(token, image, contentType));
    }

    private Task<HttpResponseMessage> ThumbnailAsync(string token, string mediaId, int width, int height, string method, string extra = "") =>
        _media.GetAsync($"{MediaTestHost.V1}/thumbnail/{TestHost.ServerName}/{mediaId}?width={width}&height={height}&method={method}{extra}", token);

    [Theory]
    [InlineData("image/png", "image/png")]
    [InlineData("image/jpeg", "image/jpeg")]
    [InlineData("image/gif", "image/png")]
    [InlineData("image/webp", "image/png")]
    public async Task Crop_and_scale_give_the_configured_sizes(string uploadType, string thumbnailType)
    {
        var (token, mediaId) = await UploadAsync(TestImages.Of(uploadType, 1000, 800), uploadType);

        // 1000x800 into the 96x96 crop box: exactly 96x96.
        var crop = await ThumbnailAsync(token, mediaId, 90, 90, "crop");
        await ShouldBeImageAsync(crop, thumbnailType, 96, 96);

        // Into the 320x240 scale box, keeping the 5:4 aspect: 300x240.
        var scale = await ThumbnailAsync(token, mediaId, 300, 200, "scale");
        await ShouldBeImageAsync(scale, thumbnailType, 300, 240);

        // The smallest crop box for small requests.
        await ShouldBeImageAsync(await ThumbnailAsync(token, mediaId, 20, 20, "crop"), thumbnailType, 32, 32);

        // 640x480 box: 600x480.
        await ShouldBeImageAsync(await ThumbnailAsync(token, mediaId, 600, 400, "scale"), thumbnailType, 600, 480);
    }

    [Fact]
    public async Task A_crop_request_larger_than_the_crop_sizes_falls_back_to_a_large_enough_scale_size()
    {
        var (token, mediaId) = await UploadAsync(TestImages.Png(1000, 800), "image/png");

        await ShouldBeImageAsync(await ThumbnailAsync(token, mediaId, 200, 200, "crop"), "image/png", 300, 240);
    }

    [Fact]
    public async Task A_request_larger_than_every_size_gets_the_original()
    {
        var image = TestImages.Jpeg(1000, 800);
        var (token, mediaId) = await UploadAsync(image, "image/jpeg");

        var response = await ThumbnailAsync(token, mediaId, 900, 900, "scale");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(image);
    }

    [Fact]
    public async Task An_image_smaller_than_the_request_is_served_as_it_is()
    {
        var image = TestImages.Png(20, 10);
        var (token, mediaId) = await UploadAsync(image, "image/png");

        foreach (var method in new[] { "crop", "scale" })
        {
            var response = await ThumbnailAsync(token, mediaId, 96, 96, method);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            (await response.Content.ReadAsByteArrayAsync()).Should().Equal(image, "images are never enlarged");
        }
    }

    [Fact]
    public async Task Crop_of_an_image_smaller_than_the_box_shrinks_the_box_instead_of_enlarging()
    {
        var (token, mediaId) = await UploadAsync(TestImages.Png(200, 60), "image/png");

        // The 96x96 crop box would need the 60 px high image enlarged: 60x60 from its middle instead.
        await ShouldBeImageAsync(await ThumbnailAsync(token, mediaId, 50, 50, "crop"), "image/png", 60, 60);
    }

    [Fact]
    public async Task Photos_are_turned_upright_by_their_exif_orientation()
    {
        // Stored 1000x800, left half red; orientation 6 means "turn 90 degrees clockwise": upright 800x1000, red on top.
        var (token, mediaId) = await UploadAsync(TestImages.WithExifOrientation(TestImages.RedBlueJpeg(1000, 800), 6), "image/jpeg");

        var response = await ThumbnailAsync(token, mediaId, 300, 200, "scale");

        await ShouldBeImageAsync(response, "image/jpeg", 192, 240);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var top = TestImages.PixelAt(bytes, 96, 20);
        var bottom = TestImages.PixelAt(bytes, 96, 220);
        top.Red.Should().BeGreaterThan(200);
        top.Blue.Should().BeLessThan(60);
        bottom.Blue.Should().BeGreaterThan(200);
        bottom.Red.Should().BeLessThan(60);
    }

    [Fact]
    public async Task Thumbnails_are_cached_on_disk_and_served_again()
    {
        var (token, mediaId) = await UploadAsync(TestImages.Png(1000, 800), "image/png");

        var first = await (await ThumbnailAsync(token, mediaId, 96, 96, "crop")).Content.ReadAsByteArrayAsync();
        var cached = Path.Combine(_media.MediaStore, "local_thumbnails", mediaId[..2], mediaId[2..4], mediaId[4..], "96-96-image-png-crop");
        File.Exists(cached).Should().BeTrue();
        File.ReadAllBytes(cached).Should().Equal(first);

        var second = await (await ThumbnailAsync(token, mediaId, 96, 96, "crop")).Content.ReadAsByteArrayAsync();
        second.Should().Equal(first);
    }

    [Fact]
    public async Task Thumbnails_are_inline_images_with_the_security_headers_on_the_legacy_endpoint_too()
    {
        var (_, mediaId) = await UploadAsync(TestImages.Webp(400, 400), "image/webp");

        var response = await _media.GetAsync($"{MediaTestHost.V3}/thumbnail/{TestHost.ServerName}/{mediaId}?width=32&height=32&method=crop", null);

        await ShouldBeImageAsync(response, "image/png", 32, 32);
        response.Content.Headers.ContentDisposition!.ToString().Should().Be("inline; filename=\"thumbnail.png\"");
        response.Headers.GetValues("Content-Security-Policy").Single().Should().StartWith("sandbox;");
        response.Headers.GetValues("Cross-Origin-Resource-Policy").Single().Should().Be("cross-origin");
    }

    [Fact]
    public async Task Animated_requests_get_gif_and_webp_as_they_are_and_others_as_thumbnails()
    {
        var gif = TestImages.Gif(400, 300);
        var (token, gifId) = await UploadAsync(gif, "image/gif");
        var animated = await ThumbnailAsync(token, gifId, 32, 32, "crop", "&animated=true");
        animated.Content.Headers.ContentType!.MediaType.Should().Be("image/gif");
        (await animated.Content.ReadAsByteArrayAsync()).Should().Equal(gif);

        var (pngToken, pngId) = await UploadAsync(TestImages.Png(400, 300), "image/png");
        await ShouldBeImageAsync(await ThumbnailAsync(pngToken, pngId, 32, 32, "crop", "&animated=true"), "image/png", 32, 32);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("image/svg+xml")]
    [InlineData("image/bmp")]
    public async Task Content_of_other_types_is_not_thumbnailed(string contentType)
    {
        var (token, mediaId) = await UploadAsync(TestImages.Png(100, 100), contentType);

        await (await ThumbnailAsync(token, mediaId, 32, 32, "crop")).ShouldBeMatrixErrorAsync(400, "M_UNKNOWN");
    }

    [Fact]
    public async Task Bytes_that_are_not_the_claimed_image_type_are_not_decoded()
    {
        var (token, pngAsGif) = await UploadAsync(TestImages.Png(100, 100), "image/gif");
        await (await ThumbnailAsync(token, pngAsGif, 32, 32, "crop")).ShouldBeMatrixErrorAsync(400, "M_UNKNOWN");

        var (token2, garbage) = await UploadAsync("not an image at all"u8.ToArray(), "image/png");
        await (await ThumbnailAsync(token2, garbage, 32, 32, "crop")).ShouldBeMatrixErrorAsync(400, "M_UNKNOWN");
    }

    [Fact]
    public async Task Images_over_the_pixel_limit_are_refused_before_decoding()
    {
        // 2000x1001 is just over the fixture's 2,000,000 pixel limit.
        var (token, mediaId) = await UploadAsync(TestImages.Png(2000, 1001), "image/png");

        await (await ThumbnailAsync(token, mediaId, 32, 32, "crop")).ShouldBeMatrixErrorAsync(413, "M_TOO_LARGE");
    }

    [Theory]
    [InlineData("width=0&height=32")]
    [InlineData("width=-5&height=32")]
    [InlineData("width=abc&height=32")]
    [InlineData("height=32")]
    [InlineData("width=32&height=32&method=stretch")]
    [InlineData("width=32&height=32&animated=maybe")]
    public async Task Bad_parameters_are_refused(string query)
    {
        var (token, mediaId) = await UploadAsync(TestImages.Png(100, 100), "image/png");

        var response = await _media.GetAsync($"{MediaTestHost.V1}/thumbnail/{TestHost.ServerName}/{mediaId}?{query}", token);

        ((int)response.StatusCode).Should().Be(400);
    }

    private static async Task ShouldBeImageAsync(HttpResponseMessage response, string contentType, int width, int height)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, System.Text.Encoding.UTF8.GetString(bytes.Take(300).ToArray()));
        response.Content.Headers.ContentType!.MediaType.Should().Be(contentType);
        var (actualWidth, actualHeight, format) = TestImages.Measure(bytes);
        (actualWidth, actualHeight).Should().Be((width, height));
        format.Should().Be(contentType == "image/jpeg" ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png);
    }
}
