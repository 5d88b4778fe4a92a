namespace Homeserver.Media.Remote;

/// <summary>Another server's media as fetched: its content in a temporary file, its content type and file name.</summary>
public sealed record FetchedRemoteMedia(TemporaryFile File, string ContentType, string? UploadName) : IDisposable
{
    public void Dispose() => File.Dispose();
}
