using System.Diagnostics;
using Homeserver.Media.UrlPreviews;

namespace Homeserver.Tests.ClientApi.Media;

public sealed class HtmlMetaReaderTests
{
    [Fact]
    public void OpenGraph_title_and_description_are_read_and_first_wins()
    {
        var meta = HtmlMetaReader.Read("""
            <html><head><title> My
            page </title>
            <meta name="description" content="desc &lt;b&gt;">
            <META PROPERTY="og:title" CONTENT="first"><meta property="og:title" content="second"/>
            <meta content=x property=og:site_name>
            </head></html>
            """);

        meta.Title.Should().Be("My page");
        meta.Description.Should().Be("desc <b>");
        meta.OpenGraph.Should().BeEquivalentTo(new Dictionary<string, string> { ["og:title"] = "first", ["og:site_name"] = "x" });
    }

    [Fact]
    public void Comments_scripts_and_styles_are_skipped()
    {
        var meta = HtmlMetaReader.Read("""
            <!-- <meta property="og:title" content="comment"> -->
            <script><meta property="og:title" content="script"></script>
            <style>/* <meta property="og:title" content="style"> */</style>
            <meta property="og:title" content="real">
            """);

        meta.OpenGraph["og:title"].Should().Be("real");
    }

    [Theory]
    [InlineData("<meta property=\"og:title\" content=\"unterminated")]
    [InlineData("<meta")]
    [InlineData("<title>never closed")]
    [InlineData("<!-- never closed")]
    [InlineData("<script>never closed")]
    [InlineData("<")]
    [InlineData("")]
    public void Broken_html_gives_what_can_be_read_without_failing(string html)
    {
        var act = () => HtmlMetaReader.Read(html);
        act.Should().NotThrow();
    }

    [Fact]
    public void Values_are_bounded()
    {
        var meta = HtmlMetaReader.Read($"<meta property=\"og:description\" content=\"{new string('a', 5000)}\">");
        meta.OpenGraph["og:description"].Length.Should().Be(HtmlMetaReader.MaxValueLength);
    }

    [Theory]
    [InlineData("<")]
    [InlineData("<meta a='")]
    [InlineData("<meta ")]
    [InlineData("<!--")]
    [InlineData("<title>")]
    [InlineData("<a ")]
    public void Pathological_input_is_read_in_linear_time(string unit)
    {
        var html = string.Concat(Enumerable.Repeat(unit, 200_000));
        var watch = Stopwatch.StartNew();
        HtmlMetaReader.Read(html);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
    }
}
