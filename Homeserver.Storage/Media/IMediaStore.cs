namespace Homeserver.Storage.Media;

/// <summary>The local media repository's metadata: media ids, their content's description and cached thumbnails.</summary>
public interface IMediaStore
{
    /// <summary>Records content uploaded in one go (<c>POST /media/v3/upload</c>).</summary>
    Task AddUploadedAsync(LocalMediaRecord media, CancellationToken cancellationToken);

    /// <summary>Records a pending media id (<c>POST /media/v1/create</c>) that expires unused at <paramref name="unusedExpiresTs"/>.</summary>
    Task AddPendingAsync(string mediaId, string userId, long createdTs, long unusedExpiresTs, CancellationToken cancellationToken);

    /// <summary>
    /// Marks a pending id as uploaded with its content's description; false (nothing written) when the id is
    /// unknown or already has content.
    /// </summary>
    Task<bool> CompleteUploadAsync(string mediaId, string? contentType, string? uploadName, long size, long uploadedTs, CancellationToken cancellationToken);

    Task<LocalMediaRecord?> GetAsync(string mediaId, CancellationToken cancellationToken);

    /// <summary>How many of the user's ids are pending and not yet expired at <paramref name="nowTs"/>.</summary>
    Task<int> CountPendingAsync(string userId, long nowTs, CancellationToken cancellationToken);

    /// <summary>Records a generated thumbnail; a second record for the same key changes nothing.</summary>
    Task AddThumbnailAsync(MediaThumbnailRecord thumbnail, CancellationToken cancellationToken);

    Task<MediaThumbnailRecord?> GetThumbnailAsync(string mediaId, long width, long height, string method, string contentType, CancellationToken cancellationToken);
}
