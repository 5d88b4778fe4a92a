using Homeserver.Tests.Http;

namespace Homeserver.Tests.ClientApi.Media;

/// <summary>URL previews against a local site: allowed only through the whitelist, refused for loopback by default.</summary>
public sealed class UrlPreviewApiTests : IClassFixture<PreviewTestSite>, IDisposable
{
    private readonly PreviewTestSite _site;
    private readonly MediaTestHost _allowed;

    public UrlPreviewApiTests(PreviewTestSite site)
    {
        _site = site;
        _allowed = new MediaTestHost(config =>
        {
            config.UrlPreviewEnabled = true;
            config.UrlPreviewIpRangeWhitelist = ["127.0.0.1/32"];
            config.MaxSpiderSize = 100_000;
        });
    }

    public void Dispose() => _allowed.Dispose();

    private static string Query(string url) => $"{MediaTestHost.V1}/preview_url?url={Uri.EscapeDataString(url)}&ts=1510610716656";

    [Fact]
    public async Task A_page_is_previewed_with_its_opengraph_data_and_image_in_the_media_repository()
    {
        var token = await _allowed.NewUserTokenAsync();

        var preview = await MediaTestHost.OkJsonAsync(await _allowed.GetAsync(Query(_site.BaseUrl + "/page"), token));

        preview["og:title"]!.GetValue<string>().Should().Be("The & Title");
        preview["og:description"]!.GetValue<string>().Should().Be("A page about things.");
        preview["og:type"]!.GetValue<string>().Should().Be("article");
        preview["og:image:width"]!.GetValue<int>().Should().Be(120);
        preview["og:image:height"]!.GetValue<int>().Should().Be(80);
        preview["og:image:type"]!.GetValue<string>().Should().Be("image/png");
        preview["matrix:image:size"]!.GetValue<long>().Should().Be(PreviewTestSite.Image.Length);
        var mxc = preview["og:image"]!.GetValue<string>();
        mxc.Should().StartWith($"mxc://{TestHost.ServerName}/");

        var image = await _allowed.GetAsync($"{MediaTestHost.V1}/download/{TestHost.ServerName}/{mxc.Split('/')[^1]}", token);
        (await image.Content.ReadAsByteArrayAsync()).Should().Equal(PreviewTestSite.Image);
    }

    [Fact]
    public async Task Title_and_description_tags_stand_in_for_missing_opengraph_data()
    {
        var token = await _allowed.NewUserTokenAsync();

        var preview = await MediaTestHost.OkJsonAsync(await _allowed.GetAsync(Query(_site.BaseUrl + "/plain"), token));

        preview.ToJsonString().Should().Be("""{"og:title":"Just a title","og:description":"Described."}""");
    }

    [Fact]
    public async Task An_image_url_is_previewed_as_that_image_and_other_types_as_nothing()
    {
        var token = await _allowed.NewUserTokenAsync();

        var image = await MediaTestHost.OkJsonAsync(await _allowed.GetAsync(Query(_site.BaseUrl + "/image.png"), token));
        image["og:image"]!.GetValue<string>().Should().StartWith("mxc://");
        image["og:image:width"]!.GetValue<int>().Should().Be(120);

        var text = await MediaTestHost.OkJsonAsync(await _allowed.GetAsync(Query(_site.BaseUrl + "/text"), token));
        text.Should().BeEmpty();
    }

    [Fact]
    public async Task Redirects_are_followed_and_previews_are_cached()
    {
        var token = await _allowed.NewUserTokenAsync();

        var preview = await MediaTestHost.OkJsonAsync(await _allowed.GetAsync(Query(_site.BaseUrl + "/redirect"), token));
        preview["og:title"]!.GetValue<string>().Should().Be("The & Title");

        var requests = _site.Requests;
        var again = await MediaTestHost.OkJsonAsync(await _allowed.GetAsync(Query(_site.BaseUrl + "/redirect"), token));
        again.ToJsonString().Should().Be(preview.ToJsonString());
        _site.Requests.Should().Be(requests, "the second preview comes from the cache");
    }

    [Fact]
    public async Task A_redirect_to_a_blocked_address_is_refused()
    {
        var token = await _allowed.NewUserTokenAsync();
        await (await _allowed.GetAsync(Query(_site.BaseUrl + "/redirect-blocked"), token)).ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Redirect_loops_and_oversized_pages_fail()
    {
        var token = await _allowed.NewUserTokenAsync();
        await (await _allowed.GetAsync(Query(_site.BaseUrl + "/redirect-loop"), token)).ShouldBeMatrixErrorAsync(502, "M_UNKNOWN");
        await (await _allowed.GetAsync(Query(_site.BaseUrl + "/big"), token)).ShouldBeMatrixErrorAsync(502, "M_TOO_LARGE");
        _allowed.AllFiles().Where(f => f.Contains($"{Path.DirectorySeparatorChar}tmp{Path.DirectorySeparatorChar}")).Should().BeEmpty();
    }

    [Fact]
    public async Task A_blocked_image_leaves_the_rest_of_the_preview()
    {
        var token = await _allowed.NewUserTokenAsync();

        var preview = await MediaTestHost.OkJsonAsync(await _allowed.GetAsync(Query(_site.BaseUrl + "/broken-image"), token));

        preview.ToJsonString().Should().Be("""{"og:title":"T"}""");
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example.org/")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/relative")]
    public async Task Only_absolute_http_urls_are_previewed(string url)
    {
        var token = await _allowed.NewUserTokenAsync();
        await (await _allowed.GetAsync(Query(url), token)).ShouldBeMatrixErrorAsync(400, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_url_parameter_is_required()
    {
        var token = await _allowed.NewUserTokenAsync();
        await (await _allowed.GetAsync($"{MediaTestHost.V1}/preview_url", token)).ShouldBeMatrixErrorAsync(400, "M_MISSING_PARAM");
    }

    [Theory]
    [InlineData("")]
    [InlineData("http://localhost:{port}/page")]
    [InlineData("http://[::1]:{port}/page")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/page")]
    [InlineData("http://2130706433:{port}/page")]
    public async Task Loopback_is_refused_under_the_default_ranges(string url)
    {
        using var media = new MediaTestHost(config => config.UrlPreviewEnabled = true);
        var token = await media.NewUserTokenAsync();
        var target = url.Length == 0 ? _site.BaseUrl + "/page" : url.Replace("{port}", _site.Port.ToString());
        var requests = _site.Requests;

        await (await media.GetAsync(Query(target), token)).ShouldBeMatrixErrorAsync(403, "M_FORBIDDEN");

        _site.Requests.Should().Be(requests, "no connection reached the site");
    }

    [Fact]
    public async Task Previews_are_off_unless_enabled()
    {
        using var media = new MediaTestHost();
        var token = await media.NewUserTokenAsync();
        await (await media.GetAsync(Query(_site.BaseUrl + "/page"), token)).ShouldBeMatrixErrorAsync(404, "M_UNRECOGNIZED");
    }

    [Fact]
    public async Task The_legacy_endpoint_previews_too()
    {
        var token = await _allowed.NewUserTokenAsync();
        var preview = await MediaTestHost.OkJsonAsync(await _allowed.GetAsync(
            $"{MediaTestHost.V3}/preview_url?url={Uri.EscapeDataString(_site.BaseUrl + "/plain")}", token));
        preview["og:title"]!.GetValue<string>().Should().Be("Just a title");
    }
}
