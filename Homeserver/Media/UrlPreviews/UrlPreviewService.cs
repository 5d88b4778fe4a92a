using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Media.Thumbnails;

namespace Homeserver.Media.UrlPreviews;

/// <summary>
/// URL previews (<c>/media/preview_url</c>): fetches the page through <see cref="PreviewHttpClient"/>, reads its
/// OpenGraph data (with the title and description tags as fallbacks), downloads <c>og:image</c> into the media
/// repository and answers it as an <c>mxc://</c> URI with its size. A URL that is itself an image is previewed
/// as that image. Answers are cached in memory for <see cref="CacheLifetime"/>.
/// </summary>
public sealed class UrlPreviewService(
    PreviewHttpClient http,
    MediaRepository repository,
    HomeserverConfig config,
    TimeProvider time,
    ILogger<UrlPreviewService> logger)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(10);
    private const int MaxCacheEntries = 1000;
    private const int MaxUrlLength = 2048;

    private readonly ConcurrentDictionary<string, (DateTimeOffset ExpiresAt, JsonObject Preview)> _cache = new(StringComparer.Ordinal);

    public async Task<JsonObject> GetPreviewAsync(string userId, string url, CancellationToken cancellationToken)
    {
        if (!config.UrlPreviewEnabled)
            throw MatrixException.Unrecognized(404, "URL previews are disabled on this server.");
        if (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw MatrixException.InvalidParam("'url' must be an absolute http or https URL.");
        var key = uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.Fragment, UriFormat.UriEscaped);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && cached.ExpiresAt > now)
            return (JsonObject)cached.Preview.DeepClone();

        JsonObject preview;
        try
        {
            using var page = await http.GetAsync(uri, config.MaxSpiderSize, cancellationToken);
            preview = await PreviewOfAsync(userId, page, cancellationToken);
        }
        catch (BlockedAddressException e)
        {
            MediaLog.PreviewFailed(logger, uri.Host, e.Message);
            throw MatrixException.Forbidden("The URL's address is blocked from previews.");
        }
        catch (MatrixException e) when (e.StatusCode == 502)
        {
            MediaLog.PreviewFailed(logger, uri.Host, e.Message);
            throw;
        }
        Remember(key, now, preview);
        return (JsonObject)preview.DeepClone();
    }

    private async Task<JsonObject> PreviewOfAsync(string userId, FetchedResource page, CancellationToken cancellationToken)
    {
        var type = UploadMetadata.BareType(page.ContentType);
        if (ImageFormats.IsDecodable(type))
            return await StoreImageAsync(userId, page, cancellationToken) ?? [];
        if (type is not ("text/html" or "application/xhtml+xml"))
            return [];

        var html = Decode(await File.ReadAllBytesAsync(page.Body.Path, cancellationToken), page.ContentType);
        var meta = HtmlMetaReader.Read(html);
        var preview = new JsonObject();
        foreach (var (key, value) in meta.OpenGraph)
            if (!key.StartsWith("og:image", StringComparison.Ordinal))
                preview[key] = value;
        if (!preview.ContainsKey("og:title") && meta.Title is { } title) preview["og:title"] = title;
        if (!preview.ContainsKey("og:description") && meta.Description is { } description) preview["og:description"] = description;

        var imageUrl = meta.OpenGraph.GetValueOrDefault("og:image") ?? meta.OpenGraph.GetValueOrDefault("og:image:url");
        if (imageUrl is not null && Uri.TryCreate(page.Url, imageUrl, out var imageUri) && imageUri.Scheme is "http" or "https")
        {
            try
            {
                using var image = await http.GetAsync(imageUri, config.MaxSpiderSize, cancellationToken);
                if (ImageFormats.IsDecodable(image.ContentType ?? "") && await StoreImageAsync(userId, image, cancellationToken) is { } stored)
                    foreach (var (key, value) in stored)
                        preview[key] = value?.DeepClone();
            }
            catch (Exception e) when (e is MatrixException or BlockedAddressException)
            {
                // A page whose image cannot be fetched is still previewed, without the image.
                MediaLog.PreviewFailed(logger, imageUri.Host, e.Message);
            }
        }
        return preview;
    }

    /// <summary>Stores a fetched image whose bytes match its type; the preview fields describing it, or null.</summary>
    private async Task<JsonObject?> StoreImageAsync(string userId, FetchedResource image, CancellationToken cancellationToken)
    {
        var type = UploadMetadata.BareType(image.ContentType);
        var header = ImageHeader.Read(image.Body.Path);
        if (header is null || !ImageFormats.Matches(type, header.Format))
            return null;
        var mediaId = await repository.StoreAsync(userId, image.Body, type, null, cancellationToken);
        return new JsonObject
        {
            ["og:image"] = repository.MxcUri(mediaId),
            ["og:image:type"] = type,
            ["og:image:width"] = header.Width,
            ["og:image:height"] = header.Height,
            ["matrix:image:size"] = image.Body.Length,
        };
    }

    /// <summary>The page as text: the charset of its Content-Type when the runtime knows it, else UTF-8.</summary>
    private static string Decode(byte[] bytes, string? contentType)
    {
        var encoding = Encoding.UTF8;
        if (contentType is not null && System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.CharSet is { } charset)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
                // Unknown charset: UTF-8 is the best guess for the web.
            }
        }
        return encoding.GetString(bytes);
    }

    private void Remember(string key, DateTimeOffset now, JsonObject preview)
    {
        if (_cache.Count >= MaxCacheEntries)
        {
            foreach (var (cachedKey, entry) in _cache)
                if (entry.ExpiresAt <= now) _cache.TryRemove(cachedKey, out _);
            if (_cache.Count >= MaxCacheEntries) _cache.Clear();
        }
        _cache[key] = (now + CacheLifetime, (JsonObject)preview.DeepClone());
    }
}
