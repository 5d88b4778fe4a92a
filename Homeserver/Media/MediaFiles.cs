using Homeserver.Configuration;
using Homeserver.Federation.Http;

namespace Homeserver.Media;

/// <summary>
/// The media files on disk, laid out like Synapse's media store: <c>local_content/aa/bb/rest</c> for content
/// and <c>local_thumbnails/aa/bb/rest/{w}-{h}-{type}-{subtype}-{method}</c> for thumbnails, where <c>aabbrest</c>
/// is the media id. Other servers' media is cached as <c>remote_content/{server}/aa/bb/rest</c> with its thumbnails in
/// <c>remote_thumbnail/{server}/aa/bb/rest/...</c> (see <see cref="Remote.RemoteMediaCache"/>).
/// Paths are built only from valid media ids and server names and checked to stay inside the store.
/// New files are written to <c>tmp/</c> in the store first and moved into place when complete.
/// </summary>
public sealed class MediaFiles
{
    private const int CopyBufferSize = 81920;

    private readonly string _root;

    public MediaFiles(HomeserverConfig config)
    {
        _root = Path.GetFullPath(config.MediaStorePath);
    }

    /// <summary>The media store folder (absolute).</summary>
    public string Root => _root;

    public string ContentPath(string mediaId) => Inside(Path.Combine(["local_content", .. Split(mediaId)]));

    public string ThumbnailPath(string mediaId, int width, int height, string contentType, string method)
    {
        var type = contentType.Replace('/', '-');
        if (!MediaIds.IsValid(type) || method is not (ThumbnailSizeConfig.Crop or ThumbnailSizeConfig.Scale))
            throw new ArgumentException("Unexpected thumbnail type or method.");
        return Inside(Path.Combine(["local_thumbnails", .. Split(mediaId), $"{width}-{height}-{type}-{method}"]));
    }

    /// <summary>The cached content of another server's media.</summary>
    public string RemoteContentPath(string serverName, string mediaId) =>
        Inside(Path.Combine(["remote_content", ServerFolder(serverName), .. Split(mediaId)]));

    /// <summary>What is known of cached remote content (content type, file name), next to it.</summary>
    public string RemoteMetadataPath(string serverName, string mediaId) => RemoteContentPath(serverName, mediaId) + ".json";

    /// <summary>The thumbnail file of local or cached remote media.</summary>
    public string ThumbnailPath(StoredMedia media, int width, int height, string contentType, string method)
    {
        if (media.Origin is null) return ThumbnailPath(media.MediaId, width, height, contentType, method);
        var type = contentType.Replace('/', '-');
        if (!MediaIds.IsValid(type) || method is not (ThumbnailSizeConfig.Crop or ThumbnailSizeConfig.Scale))
            throw new ArgumentException("Unexpected thumbnail type or method.");
        return Inside(Path.Combine(["remote_thumbnail", ServerFolder(media.Origin), .. Split(media.MediaId), $"{width}-{height}-{type}-{method}"]));
    }

    /// <summary>
    /// Copies <paramref name="body"/> to a new temporary file, at most <paramref name="maxBytes"/> bytes: more
    /// throws 413 <c>M_TOO_LARGE</c> (and the file is deleted). The caller moves or deletes the returned file.
    /// </summary>
    public async Task<TemporaryFile> WriteTemporaryAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        var file = NewTemporaryFile();
        var path = file.Path;
        try
        {
            await using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferSize, useAsync: true);
            var buffer = new byte[CopyBufferSize];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > maxBytes)
                    throw MatrixException.TooLarge($"The content is larger than the limit of {maxBytes} bytes.");
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
            file.Length = total;
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>A new, not yet created, file name in the store's tmp folder (on the same file system, so moves are atomic).</summary>
    public TemporaryFile NewTemporaryFile()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "tmp")).FullName;
        return new TemporaryFile(Path.Combine(folder, MediaIds.New() + ".tmp"));
    }

    /// <summary>Moves a complete temporary file to <paramref name="destination"/>; false when a file is already there.</summary>
    public static bool TryMoveIntoPlace(TemporaryFile file, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        try
        {
            File.Move(file.Path, destination, overwrite: false);
        }
        catch (IOException) when (File.Exists(destination))
        {
            return false;
        }
        file.Moved = true;
        return true;
    }

    /// <summary>Moves a temporary file to <paramref name="destination"/>, replacing what is there (for regenerated thumbnails).</summary>
    public static void ReplaceWith(TemporaryFile file, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        File.Move(file.Path, destination, overwrite: true);
        file.Moved = true;
    }

    private static string[] Split(string mediaId)
    {
        // Ids shorter than Synapse's five characters (never generated here) get a plain file name.
        if (!MediaIds.IsValid(mediaId)) throw new ArgumentException("Not a valid media id.", nameof(mediaId));
        return mediaId.Length < 5 ? ["_short", mediaId] : [mediaId[..2], mediaId[2..4], mediaId[4..]];
    }

    /// <summary>A server name as a folder name: only a valid one (letters, digits, '-', '.', ':', brackets), never '.' or '..'.</summary>
    private static string ServerFolder(string serverName)
    {
        if (!ServerNameSyntax.IsValid(serverName, out _) || serverName.Contains('/') || serverName.Contains('\\') || serverName.All(c => c == '.'))
            throw new ArgumentException("Not a valid server name.", nameof(serverName));
        return serverName;
    }

    private string Inside(string relative)
    {
        var full = Path.GetFullPath(Path.Combine(_root, relative));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidOperationException("A media path left the media store.");
        return full;
    }
}
