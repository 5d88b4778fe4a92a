using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Media;

namespace Homeserver.Tests.ClientApi.Media;

/// <summary>The media files on disk: streaming with a size limit, paths that stay inside the store.</summary>
public sealed class MediaFilesTests : IDisposable
{
    private readonly Cli.TempFolder _folder = new();
    private readonly MediaFiles _files;

    public MediaFilesTests() => _files = new MediaFiles(new HomeserverConfig { MediaStorePath = _folder["store"] });

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Streaming_stops_reading_just_past_the_limit_and_deletes_the_partial_file()
    {
        var body = new EndlessStream();

        var act = () => _files.WriteTemporaryAsync(body, 100_000, CancellationToken.None);

        (await act.Should().ThrowAsync<MatrixException>()).Which.ErrorCode.Should().Be("M_TOO_LARGE");
        body.BytesRead.Should().BeLessThanOrEqualTo(100_000 + 81_920, "at most one buffer past the limit is read");
        Directory.GetFiles(_folder.Path, "*", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public async Task A_body_within_the_limit_is_written_completely()
    {
        var bytes = Enumerable.Range(0, 300_000).Select(i => (byte)i).ToArray();

        using var file = await _files.WriteTemporaryAsync(new MemoryStream(bytes), 300_000, CancellationToken.None);

        file.Length.Should().Be(300_000);
        File.ReadAllBytes(file.Path).Should().Equal(bytes);
        Path.GetDirectoryName(file.Path).Should().Be(Path.Combine(_files.Root, "tmp"));
    }

    [Fact]
    public void Paths_follow_the_synapse_layout_inside_the_store()
    {
        _files.ContentPath("abcdefghij").Should().Be(Path.Combine(_files.Root, "local_content", "ab", "cd", "efghij"));
        _files.ThumbnailPath("abcdefghij", 96, 96, "image/png", "crop")
            .Should().Be(Path.Combine(_files.Root, "local_thumbnails", "ab", "cd", "efghij", "96-96-image-png-crop"));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../../etc/passwd")]
    [InlineData("ab/cd")]
    [InlineData("ab\\cd")]
    [InlineData("abc\0def")]
    [InlineData("")]
    [InlineData(".hidden")]
    public void Invalid_media_ids_never_become_paths(string mediaId)
    {
        MediaIds.IsValid(mediaId).Should().BeFalse();
        var act = () => _files.ContentPath(mediaId);
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void New_media_ids_are_random_letters_and_digits()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => MediaIds.New()).ToList();
        ids.Should().OnlyHaveUniqueItems();
        ids.Should().AllSatisfy(id => id.Should().MatchRegex("^[A-Za-z0-9]{24}$"));
    }

    /// <summary>A stream that never ends, counting the bytes read from it.</summary>
    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            BytesRead += count;
            return count;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
