namespace Homeserver.Media;

/// <summary>A file being written in the media store's tmp folder; deleted on dispose unless moved into place.</summary>
public sealed class TemporaryFile(string path) : IDisposable
{
    public string Path { get; } = path;

    public long Length { get; internal set; }

    internal bool Moved { get; set; }

    public void Dispose()
    {
        if (Moved) return;
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary file is harmless and never served.
        }
    }
}
