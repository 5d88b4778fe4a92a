using System.Diagnostics;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Media.Remote;
using Homeserver.Storage.Media;

namespace Homeserver.Media;

/// <summary>
/// The local media repository: stores uploads (in one go, or to an id made earlier by <c>/create</c>) and
/// finds content for downloads, waiting a bounded time for pending uploads. Bodies are streamed to disk and
/// never held in memory; the size limit is enforced while streaming.
/// </summary>
public sealed class MediaRepository(
    IMediaStore store,
    MediaFiles files,
    UploadWakeups wakeups,
    HomeserverConfig config,
    TimeProvider time,
    RemoteMediaCache remoteMedia,
    ILogger<MediaRepository> logger)
{
    /// <summary>The longest a download waits for a pending upload, whatever <c>timeout_ms</c> says.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    /// <summary>How long a download waits for a pending upload when the client does not say.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(20);

    public string ServerName => config.ServerName;

    public string MxcUri(string mediaId) => $"mxc://{config.ServerName}/{mediaId}";

    /// <summary>Stores a complete upload under a new id; returns the id.</summary>
    public async Task<string> UploadAsync(string userId, Stream body, long? contentLength, string contentType, string? uploadName, CancellationToken cancellationToken)
    {
        CheckDeclaredLength(contentLength);
        using var temporary = await files.WriteTemporaryAsync(body, config.MaxUploadSize, cancellationToken);
        return await StoreAsync(userId, temporary, contentType, uploadName, cancellationToken);
    }

    /// <summary>Stores a complete temporary file under a new id (uploads, and images fetched for URL previews).</summary>
    public async Task<string> StoreAsync(string userId, TemporaryFile temporary, string contentType, string? uploadName, CancellationToken cancellationToken)
    {
        var mediaId = MediaIds.New();
        if (!MediaFiles.TryMoveIntoPlace(temporary, files.ContentPath(mediaId)))
            throw new InvalidOperationException("A new random media id already had a file.");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await store.AddUploadedAsync(new LocalMediaRecord(mediaId, userId, now, null, now, contentType, uploadName, temporary.Length), cancellationToken);
        MediaLog.Stored(logger, mediaId, userId, temporary.Length, contentType);
        return mediaId;
    }

    /// <summary>Makes a pending id for a later upload; returns it with its expiry (Unix ms).</summary>
    public async Task<(string MediaId, long UnusedExpiresAt)> CreatePendingAsync(string userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (await store.CountPendingAsync(userId, now, cancellationToken) >= config.MaxPendingMediaUploads)
            throw new MatrixException(429, ErrorCodes.LimitExceeded,
                $"At most {config.MaxPendingMediaUploads} media uploads may be pending at once; upload or wait for one to expire.");
        var mediaId = MediaIds.New();
        var expiresAt = now + (long)config.UnusedExpirationTime.TotalMilliseconds;
        await store.AddPendingAsync(mediaId, userId, now, expiresAt, cancellationToken);
        return (mediaId, expiresAt);
    }

    /// <summary>
    /// Stores the content of an id made by <c>/create</c>: only its creator, only once (409
    /// <c>M_CANNOT_OVERWRITE_MEDIA</c>), only before it expires (404).
    /// </summary>
    public async Task UploadToPendingAsync(string userId, string serverName, string mediaId, Stream body, long? contentLength,
        string contentType, string? uploadName, CancellationToken cancellationToken)
    {
        RequireLocal(serverName, mediaId);
        var record = await store.GetAsync(mediaId, cancellationToken) ?? throw MatrixException.NotFound("Unknown media id.");
        if (record.UserId != userId)
            throw MatrixException.Forbidden("Only the user who created this media id may upload its content.");
        if (record.IsUploaded)
            throw CannotOverwrite();
        if (record.IsExpired(time.GetUtcNow().ToUnixTimeMilliseconds()))
            throw MatrixException.NotFound("The media id has expired.");
        CheckDeclaredLength(contentLength);

        using var temporary = await files.WriteTemporaryAsync(body, config.MaxUploadSize, cancellationToken);
        // The move refuses to replace a file, so of two uploads racing to the same id exactly one lands.
        var path = files.ContentPath(mediaId);
        if (!MediaFiles.TryMoveIntoPlace(temporary, path))
            throw CannotOverwrite();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!await store.CompleteUploadAsync(mediaId, contentType, uploadName, temporary.Length, now, cancellationToken))
        {
            File.Delete(path);
            throw CannotOverwrite();
        }
        MediaLog.Stored(logger, mediaId, userId, temporary.Length, contentType);
        wakeups.UploadCompleted();
    }

    /// <summary>
    /// The uploaded content of a media id, waiting up to <paramref name="wait"/> (bounded by <see cref="MaxWait"/>)
    /// while a local upload is pending: 504 <c>M_NOT_YET_UPLOADED</c> after that; 404 for unknown or expired ids.
    /// Other servers' media comes from the <see cref="RemoteMediaCache"/> (fetched on first use), unless
    /// <paramref name="allowRemote"/> is false (the legacy endpoints' <c>allow_remote=false</c>): then it is 404.
    /// </summary>
    public async Task<StoredMedia> GetAsync(string serverName, string mediaId, TimeSpan wait, CancellationToken cancellationToken,
        bool allowRemote = true)
    {
        RequireValid(serverName, mediaId);
        if (serverName != config.ServerName)
        {
            if (!allowRemote) throw MatrixException.NotFound("Media from other servers is not fetched for this request (allow_remote=false).");
            return await remoteMedia.GetAsync(serverName, mediaId, wait > MaxWait ? MaxWait : wait, cancellationToken);
        }
        if (wait > MaxWait) wait = MaxWait;
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var nextUpload = wakeups.NextUpload;
            var record = await store.GetAsync(mediaId, cancellationToken);
            if (record is null || record.IsExpired(time.GetUtcNow().ToUnixTimeMilliseconds()))
                throw MatrixException.NotFound("Media not found.");
            if (record.IsUploaded)
            {
                var path = files.ContentPath(mediaId);
                if (!File.Exists(path)) throw MatrixException.NotFound("Media not found.");
                return StoredMedia.Local(record, path);
            }
            var remaining = wait - Stopwatch.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
                throw new MatrixException(504, ErrorCodes.NotYetUploaded, "The content has not been uploaded yet.");
            try
            {
                await nextUpload.WaitAsync(remaining, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Look once more: the upload may have landed just now.
            }
        }
    }

    /// <summary>
    /// Checks an mxc server name and media id from a request before anything touches the database or the
    /// file system: 400 for malformed ones, 404 for other servers' media (uploads go only to this server's ids).
    /// </summary>
    public void RequireLocal(string serverName, string mediaId)
    {
        RequireValid(serverName, mediaId);
        if (serverName != config.ServerName)
            throw MatrixException.NotFound("Media from other servers is not available.");
    }

    /// <summary>400 <c>M_INVALID_PARAM</c> for a malformed mxc server name or media id.</summary>
    public static void RequireValid(string serverName, string mediaId)
    {
        if (!ServerNameSyntax.IsValid(serverName, out _))
            throw MatrixException.InvalidParam("The server name of the media is not valid.");
        if (!MediaIds.IsValid(mediaId))
            throw MatrixException.InvalidParam("Media ids consist of A-Z, a-z, 0-9, '_' and '-'.");
    }

    private void CheckDeclaredLength(long? contentLength)
    {
        if (contentLength > config.MaxUploadSize)
            throw MatrixException.TooLarge($"The content is larger than the limit of {config.MaxUploadSize} bytes.");
    }

    private static MatrixException CannotOverwrite() =>
        new(409, ErrorCodes.CannotOverwriteMedia, "This media id already has content.");
}
