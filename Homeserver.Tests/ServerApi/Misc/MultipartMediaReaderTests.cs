using System.Text;
using Homeserver.Media.Remote;

namespace Homeserver.Tests.ServerApi.Misc;

/// <summary>Reading the multipart answers of the federation media endpoints, well formed and not.</summary>
public class MultipartMediaReaderTests
{
    private const string Type = "multipart/mixed; boundary=abc123";

    private static Stream Body(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n")));

    private static async Task<string> ReadAll(Stream stream)
    {
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task Content_with_type_and_file_name_is_read()
    {
        var part = await MultipartMediaReader.ReadAsync(Type, Body("""
            --abc123
            Content-Type: application/json

            {}
            --abc123
            Content-Type: text/plain
            Content-Disposition: attachment; filename="notes.txt"

            hello world
            --abc123--

            """), CancellationToken.None);

        part.Location.Should().BeNull();
        part.ContentType.Should().Be("text/plain");
        part.FileName.Should().Be("notes.txt");
        (await ReadAll(part.Body!)).Should().Be("hello world");
    }

    [Fact]
    public async Task A_quoted_boundary_and_a_utf8_file_name_are_understood()
    {
        var part = await MultipartMediaReader.ReadAsync("multipart/mixed; boundary=\"q b\"", Body("""
            --q b
            Content-Type: application/json

            {"future": "metadata"}
            --q b
            Content-Type: image/png
            Content-Disposition: inline; filename*=utf-8''caf%C3%A9.png

            PNG
            --q b--
            """), CancellationToken.None);

        part.FileName.Should().Be("café.png");
        (await ReadAll(part.Body!)).Should().Be("PNG");
    }

    [Fact]
    public async Task A_location_part_redirects()
    {
        var part = await MultipartMediaReader.ReadAsync(Type, Body("""
            --abc123
            Content-Type: application/json

            {}
            --abc123
            Location: https://cdn.example.org/media/abc

            --abc123--
            """), CancellationToken.None);

        part.Location.Should().Be(new Uri("https://cdn.example.org/media/abc"));
        part.Body.Should().BeNull();
    }

    public static TheoryData<string?, string> Malformed => new()
    {
        { null, "" },
        { "application/json", "{}" },
        { "multipart/mixed", "--abc123\r\n\r\n{}\r\n--abc123--" },
        { "multipart/mixed; boundary=" + new string('b', 71), "" },
        { Type, "" },
        { Type, "no boundary at all" },
        { Type, "--abc123\r\nContent-Type: application/json\r\n\r\n{}\r\n--abc123--\r\n" },
        { Type, "--abc123\r\nContent-Type: application/json\r\n\r\nnot json\r\n--abc123\r\n\r\nx\r\n--abc123--" },
        { Type, "--abc123\r\nContent-Type: application/json\r\n\r\n[1]\r\n--abc123\r\n\r\nx\r\n--abc123--" },
        { Type, "--abc123\r\nContent-Type: application/json\r\n\r\n{}\r\n--abc123\r\nLocation: /relative\r\n\r\n--abc123--" },
        { Type, "--abc123\r\nContent-Type: application/json\r\n\r\n{}\r\n--abc123\r\nLocation: file:///etc/passwd\r\n\r\n--abc123--" },
        { Type, "--abc123\r\nContent-Type: application/json\r\n\r\n{" + new string(' ', 70_000) + "}\r\n--abc123\r\n\r\nx\r\n--abc123--" },
        { Type, "--abc123\r\nX: " + new string('h', 20_000) + "\r\n\r\n{}\r\n--abc123\r\n\r\nx\r\n--abc123--" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_answers_are_refused(string? contentType, string body)
    {
        var read = () => MultipartMediaReader.ReadAsync(contentType, Body(body), CancellationToken.None);
        await read.Should().ThrowAsync<InvalidDataException>();
    }

    [Fact]
    public async Task Content_cut_short_before_the_closing_boundary_fails_while_reading()
    {
        var part = await MultipartMediaReader.ReadAsync(Type, Body("--abc123\r\nContent-Type: application/json\r\n\r\n{}\r\n--abc123\r\n\r\npartial content"),
            CancellationToken.None);
        var read = () => ReadAll(part.Body!);
        await read.Should().ThrowAsync<IOException>();
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("attachment", null)]
    [InlineData("attachment; filename=plain.bin", "plain.bin")]
    [InlineData("inline; filename=\"a b.txt\"; filename*=utf-8''%E2%82%AC.txt", "€.txt")]
    [InlineData("not a disposition;;;=", null)]
    public void File_names_come_from_the_disposition(string? disposition, string? expected) =>
        MultipartMediaReader.FileName(disposition).Should().Be(expected);
}
