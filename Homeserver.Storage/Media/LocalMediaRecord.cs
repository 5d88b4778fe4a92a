namespace Homeserver.Storage.Media;

/// <summary>
/// A media id of this server and what is known of its content. <paramref name="UploadedTs"/> is null while
/// an asynchronous upload (<c>POST /media/v1/create</c>) is pending; such a row is unusable after
/// <paramref name="UnusedExpiresTs"/>. Content type and size are set once the content is stored.
/// </summary>
public sealed record LocalMediaRecord(
    string MediaId,
    string UserId,
    long CreatedTs,
    long? UnusedExpiresTs,
    long? UploadedTs,
    string? ContentType,
    string? UploadName,
    long? Size)
{
    public bool IsUploaded => UploadedTs is not null;

    /// <summary>A pending id whose upload window has closed.</summary>
    public bool IsExpired(long nowTs) => UploadedTs is null && UnusedExpiresTs is { } expires && nowTs >= expires;
}
