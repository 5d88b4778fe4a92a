using Homeserver.Federation.Http;

namespace Homeserver.Media.Remote;

/// <summary>
/// Other servers' media, fetched on first request (<see cref="RemoteMediaFetcher"/>) and served from the media store
/// afterwards, also while the origin is unreachable. Content lies in Synapse's layout,
/// <c>remote_content/{server}/aa/bb/rest</c>, and its <see cref="RemoteMediaMetadata"/> next to it as <c>rest.json</c>.
/// Both are written to temporary files and moved into place, the description first, so a reader that finds the
/// content also finds its description; of two fetches racing for the same media the first move wins and the other
/// copy is dropped. Media ids never change content, so a cached copy never goes stale. Thumbnails of remote media are
/// made here from the cached original, as Synapse does, and kept in <c>remote_thumbnail/{server}/...</c>.
/// </summary>
public sealed class RemoteMediaCache(RemoteMediaFetcher fetcher, MediaFiles files, TimeProvider time, ILogger<RemoteMediaCache> logger)
{
    public async Task<StoredMedia> GetAsync(string origin, string mediaId, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (Cached(origin, mediaId) is { } cached) return cached;

        using var fetched = await fetcher.FetchAsync(origin, mediaId, wait, cancellationToken);
        var metadata = new RemoteMediaMetadata(fetched.ContentType, fetched.UploadName, fetched.File.Length,
            time.GetUtcNow().ToUnixTimeMilliseconds());
        using (var description = files.NewTemporaryFile())
        {
            await File.WriteAllBytesAsync(description.Path, metadata.ToJson(), cancellationToken);
            MediaFiles.ReplaceWith(description, files.RemoteMetadataPath(origin, mediaId));
        }
        if (MediaFiles.TryMoveIntoPlace(fetched.File, files.RemoteContentPath(origin, mediaId)))
            RemoteMediaLog.Cached(logger, origin, mediaId, metadata.Size, metadata.ContentType);
        return Cached(origin, mediaId) ?? throw MatrixException.Unknown(502, "The fetched media could not be cached.");
    }

    /// <summary>The cached copy of the media, or null when there is none yet.</summary>
    public StoredMedia? Cached(string origin, string mediaId)
    {
        var path = files.RemoteContentPath(origin, mediaId);
        if (!File.Exists(path)) return null;
        var metadata = RemoteMediaMetadata.TryRead(files.RemoteMetadataPath(origin, mediaId));
        return metadata is null ? null : new StoredMedia(origin, mediaId, metadata.ContentType, metadata.UploadName, path);
    }
}
