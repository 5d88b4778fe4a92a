namespace Homeserver.Storage.Media;

/// <summary>
/// A cached thumbnail of local media: the configured size box (<paramref name="Width"/> x <paramref name="Height"/>)
/// and <paramref name="Method"/> (<c>crop</c> or <c>scale</c>) it was made for, its content type and byte size.
/// </summary>
public sealed record MediaThumbnailRecord(string MediaId, long Width, long Height, string Method, string ContentType, long Size);
