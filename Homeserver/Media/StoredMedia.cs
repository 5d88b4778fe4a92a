using Homeserver.Storage.Media;

namespace Homeserver.Media;

/// <summary>
/// Media content ready to serve and the file holding it: a local upload (<paramref name="Origin"/> null) or
/// another server's media cached here (see <see cref="Remote.RemoteMediaCache"/>).
/// </summary>
public sealed record StoredMedia(string? Origin, string MediaId, string? StoredContentType, string? UploadName, string FilePath)
{
    public static StoredMedia Local(LocalMediaRecord record, string filePath) =>
        new(null, record.MediaId, record.ContentType, record.UploadName, filePath);

    public bool IsRemote => Origin is not null;

    public string ContentType => StoredContentType ?? UploadMetadata.DefaultContentType;
}
