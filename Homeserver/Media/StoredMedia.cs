using Homeserver.Storage.Media;

namespace Homeserver.Media;

/// <summary>Uploaded local media and the file holding its content.</summary>
public sealed record StoredMedia(LocalMediaRecord Record, string FilePath)
{
    public string ContentType => Record.ContentType ?? UploadMetadata.DefaultContentType;
}
