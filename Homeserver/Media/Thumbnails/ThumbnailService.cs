using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Storage.Media;

namespace Homeserver.Media.Thumbnails;

/// <summary>What a thumbnail request is answered with: a file, its content type and disposition file name.</summary>
public sealed record ThumbnailFile(string FilePath, string ContentType, string FileName);

/// <summary>
/// Answers thumbnail requests: checks that the content is an allowed image type whose header is within
/// <c>max_image_pixels</c>, picks the configured size (<see cref="ThumbnailSelector"/>), and serves the cached
/// thumbnail or makes it (at most <see cref="MaxConcurrentRenders"/> at a time), caching it on disk and in the
/// database. Images smaller than the request are served as they are.
/// </summary>
public sealed class ThumbnailService(
    MediaRepository repository,
    MediaFiles files,
    IMediaStore store,
    HomeserverConfig config,
    ILogger<ThumbnailService> logger)
{
    /// <summary>Decoding is memory- and CPU-hungry: bound how many images are decoded at once.</summary>
    public const int MaxConcurrentRenders = 2;

    private readonly SemaphoreSlim _renders = new(MaxConcurrentRenders);

    public async Task<ThumbnailFile> GetAsync(string serverName, string mediaId, int width, int height, string method, bool animated,
        TimeSpan wait, CancellationToken cancellationToken, bool allowRemote = true)
    {
        var media = await repository.GetAsync(serverName, mediaId, wait, cancellationToken, allowRemote);
        var contentType = UploadMetadata.BareType(media.ContentType);
        if (!ImageFormats.IsDecodable(contentType))
            throw CannotThumbnail();
        var header = ImageHeader.Read(media.FilePath);
        if (header is null || !ImageFormats.Matches(contentType, header.Format))
            throw CannotThumbnail();
        if (header.Pixels > config.MaxImagePixels)
            throw new MatrixException(413, ErrorCodes.TooLarge, "The image is too large to thumbnail.");

        var original = new ThumbnailFile(media.FilePath, contentType, "thumbnail" + Extension(contentType));
        if (animated && ImageFormats.MayBeAnimated(contentType))
            return original;
        var plan = ThumbnailSelector.Select(config.ThumbnailSizes, header.Width, header.Height, width, height, method);
        if (plan is null || plan.KeepsOriginalSize(header.Width, header.Height))
            return original;

        var outputType = ImageFormats.ThumbnailTypeFor(contentType);
        var size = plan.Size;
        var path = files.ThumbnailPath(media, size.Width, size.Height, outputType, size.Method);
        var fileName = "thumbnail" + Extension(outputType);
        // Remote media's thumbnails have no rows: their files, moved into place whole, are the record.
        if (File.Exists(path) && (media.IsRemote
                || await store.GetThumbnailAsync(mediaId, size.Width, size.Height, size.Method, outputType, cancellationToken) is not null))
            return new ThumbnailFile(path, outputType, fileName);

        await RenderAsync(media, plan, outputType, path, cancellationToken);
        return new ThumbnailFile(path, outputType, fileName);
    }

    private async Task RenderAsync(StoredMedia media, ThumbnailPlan plan, string outputType, string path, CancellationToken cancellationToken)
    {
        await _renders.WaitAsync(cancellationToken);
        try
        {
            using var temporary = await Task.Run(() => RenderToTemporary(media.FilePath, plan, outputType), cancellationToken);
            MediaFiles.ReplaceWith(temporary, path);
            var size = plan.Size;
            if (!media.IsRemote)
                await store.AddThumbnailAsync(new MediaThumbnailRecord(media.MediaId, size.Width, size.Height, size.Method, outputType, temporary.Length), cancellationToken);
        }
        catch (InvalidDataException e)
        {
            MediaLog.ThumbnailFailed(logger, media.MediaId, e.Message);
            throw CannotThumbnail();
        }
        finally
        {
            _renders.Release();
        }
    }

    private TemporaryFile RenderToTemporary(string sourcePath, ThumbnailPlan plan, string outputType)
    {
        var temporary = files.NewTemporaryFile();
        try
        {
            using (var output = new FileStream(temporary.Path, FileMode.CreateNew, FileAccess.Write))
            {
                ThumbnailRenderer.Render(sourcePath, plan, outputType, output);
                temporary.Length = output.Length;
            }
            return temporary;
        }
        catch
        {
            temporary.Dispose();
            throw;
        }
    }

    private static string Extension(string contentType) => contentType switch
    {
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "image/webp" => ".webp",
        _ => ".png",
    };

    private static MatrixException CannotThumbnail() =>
        MatrixException.Unknown(400, "Cannot generate thumbnails for the requested content.");
}
