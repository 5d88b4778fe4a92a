namespace Homeserver.Media.UrlPreviews;

/// <summary>What a URL preview fetched: the URL after redirects, its content type and the body in a temporary file.</summary>
public sealed record FetchedResource(Uri Url, string? ContentType, TemporaryFile Body) : IDisposable
{
    public void Dispose() => Body.Dispose();
}
