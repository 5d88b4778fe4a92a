using System.Net.Http.Headers;
using Homeserver.Federation.Http;

namespace Homeserver.Media;

/// <summary>Checks the content type and file name a client gives with an upload.</summary>
public static class UploadMetadata
{
    public const string DefaultContentType = "application/octet-stream";
    private const int MaxContentTypeLength = 255;
    private const int MaxFileNameLength = 255;

    /// <summary>The upload's content type, <c>application/octet-stream</c> when absent; 400 when it is not a media type.</summary>
    public static string ContentType(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return DefaultContentType;
        if (header.Length > MaxContentTypeLength || !MediaTypeHeaderValue.TryParse(header, out var parsed) ||
            parsed.MediaType is null || !parsed.MediaType.Contains('/') || header.Any(char.IsControl))
            throw MatrixException.InvalidParam("The Content-Type header is not a valid media type.");
        return header.Trim();
    }

    /// <summary>The file name given with <c>?filename=</c>, or null; 400 when it is too long or has control characters.</summary>
    public static string? FileName(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName)) return null;
        if (fileName.Length > MaxFileNameLength || fileName.Any(char.IsControl) || !IsWellFormedUtf16(fileName))
            throw MatrixException.InvalidParam($"The file name must be at most {MaxFileNameLength} characters without control characters.");
        return fileName;
    }

    /// <summary>The media type without parameters, lower case (<c>Text/HTML; charset=x</c> gives <c>text/html</c>).</summary>
    public static string BareType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType)) return DefaultContentType;
        var semicolon = contentType.IndexOf(';');
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
    }

    private static bool IsWellFormedUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return false;
        }
        return true;
    }
}
