using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace Homeserver.Media.Remote;

/// <summary>
/// The media part of a federation media answer: its content (type, file name and a body stream that ends at the
/// closing boundary) or, instead, a <c>Location</c> to fetch it from.
/// </summary>
public sealed record MultipartMediaPart(Uri? Location, string? ContentType, string? FileName, Stream? Body);

/// <summary>
/// Reads the <c>multipart/mixed</c> answer of <c>/_matrix/federation/v1/media/download</c> and <c>/thumbnail</c>:
/// a first part of JSON metadata (an object, at most <see cref="MaxMetadataBytes"/>), then the media part. The
/// answer is untrusted: anything malformed (no boundary, a missing part, oversized headers, metadata that is not
/// a JSON object, a relative or non-HTTP location, a body cut short) throws <see cref="InvalidDataException"/>.
/// </summary>
public static class MultipartMediaReader
{
    public const int MaxMetadataBytes = 64 * 1024;
    private const int MaxBoundaryLength = 70; // RFC 2046

    public static async Task<MultipartMediaPart> ReadAsync(string? contentType, Stream body, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var type) || !string.Equals(type.MediaType, "multipart/mixed", StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException("The answer is not multipart/mixed.");
        var boundary = type.Parameters.FirstOrDefault(p => string.Equals(p.Name, "boundary", StringComparison.OrdinalIgnoreCase))?.Value?.Trim('"');
        if (string.IsNullOrEmpty(boundary) || boundary.Length > MaxBoundaryLength)
            throw new InvalidDataException("The multipart answer has no valid boundary.");

        var reader = new MultipartReader(boundary, body) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
        try
        {
            var metadata = await reader.ReadNextSectionAsync(cancellationToken) ?? throw new InvalidDataException("The multipart answer has no parts.");
            await ReadMetadataAsync(metadata, cancellationToken);
            var media = await reader.ReadNextSectionAsync(cancellationToken) ?? throw new InvalidDataException("The multipart answer has no media part.");
            if (media.Headers?.TryGetValue("Location", out var location) == true)
            {
                if (!Uri.TryCreate(location.ToString(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                    throw new InvalidDataException("The media part's Location is not an absolute HTTP(S) URL.");
                return new MultipartMediaPart(uri, null, null, null);
            }
            return new MultipartMediaPart(null, media.ContentType, FileName(media.ContentDisposition), media.Body);
        }
        catch (IOException e)
        {
            throw new InvalidDataException("The multipart answer is malformed: " + e.Message, e);
        }
    }

    /// <summary>The file name of a part's <c>Content-Disposition</c> (<c>filename*</c> preferred), or null.</summary>
    public static string? FileName(string? contentDisposition)
    {
        if (contentDisposition is null || !ContentDispositionHeaderValue.TryParse(contentDisposition, out var disposition)) return null;
        var name = disposition.FileNameStar ?? disposition.FileName?.Trim('"');
        return string.IsNullOrEmpty(name) ? null : name;
    }

    private static async Task ReadMetadataAsync(MultipartSection section, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await section.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxMetadataBytes) throw new InvalidDataException("The metadata part is too large.");
            buffer.Write(chunk, 0, read);
        }
        try
        {
            if (JsonNode.Parse(buffer.ToArray()) is not JsonObject)
                throw new InvalidDataException("The metadata part is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("The metadata part is not JSON: " + e.Message, e);
        }
    }
}
