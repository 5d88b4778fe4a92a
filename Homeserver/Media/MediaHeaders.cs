using System.Text;

namespace Homeserver.Media;

/// <summary>
/// The response headers of served media (the spec's security considerations): a sandboxing
/// <c>Content-Security-Policy</c>, <c>Cross-Origin-Resource-Policy: cross-origin</c>, <c>nosniff</c>, and a
/// <c>Content-Disposition</c> that is <c>inline</c> only for the spec's list of types safe to render inline.
/// </summary>
public static class MediaHeaders
{
    public const string ContentSecurityPolicy =
        "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; style-src 'unsafe-inline'; media-src 'self'; object-src 'self';";

    /// <summary>The spec's "serving inline content" list.</summary>
    public static readonly IReadOnlySet<string> InlineTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "text/css", "text/plain", "text/csv", "application/json", "application/ld+json",
        "image/jpeg", "image/gif", "image/png", "image/apng", "image/webp", "image/avif",
        "video/mp4", "video/webm", "video/ogg", "video/quicktime",
        "audio/mp4", "audio/webm", "audio/aac", "audio/mpeg", "audio/ogg", "audio/wave", "audio/wav", "audio/x-wav",
        "audio/x-pn-wav", "audio/flac", "audio/x-flac",
    };

    /// <summary>Sets the security and caching headers every media response carries.</summary>
    public static void ApplySecurityHeaders(HttpResponse response, bool authenticated)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers["Cross-Origin-Resource-Policy"] = "cross-origin";
        response.Headers.XContentTypeOptions = "nosniff";
        // Content under a media id never changes; authenticated answers must not sit in shared caches.
        response.Headers.CacheControl = authenticated ? "private, max-age=86400, immutable" : "public, max-age=86400, immutable";
    }

    /// <summary>
    /// <c>inline</c> for the safe types, else <c>attachment</c>; with the file name when there is one, as an ASCII
    /// <c>filename</c> and, when that had to change characters, an RFC 5987 <c>filename*</c> in UTF-8 (RFC 6266).
    /// </summary>
    public static string ContentDisposition(string contentType, string? fileName)
    {
        var disposition = InlineTypes.Contains(UploadMetadata.BareType(contentType)) ? "inline" : "attachment";
        if (string.IsNullOrEmpty(fileName)) return disposition;
        var ascii = AsciiFileName(fileName);
        var header = new StringBuilder(disposition).Append("; filename=\"").Append(ascii).Append('"');
        if (ascii != fileName)
            header.Append("; filename*=utf-8''").Append(PercentEncode(fileName));
        return header.ToString();
    }

    /// <summary>The file name with everything but printable ASCII (and the quote and backslash) replaced by <c>_</c>.</summary>
    private static string AsciiFileName(string fileName)
    {
        var builder = new StringBuilder(fileName.Length);
        foreach (var rune in fileName.EnumerateRunes())
            builder.Append(rune.Value is >= 0x20 and < 0x7F && rune.Value != '"' && rune.Value != '\\' ? (char)rune.Value : '_');
        return builder.ToString();
    }

    /// <summary>RFC 5987 <c>value-chars</c>: attr-chars as they are, every other UTF-8 byte as <c>%XX</c>.</summary>
    private static string PercentEncode(string value)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || "!#$&+-.^_`|~".Contains((char)b))
                builder.Append((char)b);
            else
                builder.Append('%').Append(b.ToString("X2"));
        }
        return builder.ToString();
    }
}
