using SkiaSharp;

namespace Homeserver.Media.Thumbnails;

/// <summary>The image types the server decodes for thumbnails and previews; nothing else reaches a decoder.</summary>
public static class ImageFormats
{
    private static readonly Dictionary<string, SKEncodedImageFormat> Decodable = new(StringComparer.Ordinal)
    {
        ["image/png"] = SKEncodedImageFormat.Png,
        ["image/jpeg"] = SKEncodedImageFormat.Jpeg,
        ["image/gif"] = SKEncodedImageFormat.Gif,
        ["image/webp"] = SKEncodedImageFormat.Webp,
    };

    /// <summary>Whether a content type (parameters ignored) is one the thumbnailer decodes.</summary>
    public static bool IsDecodable(string contentType) => Decodable.ContainsKey(UploadMetadata.BareType(contentType));

    /// <summary>Whether the bytes' actual format is the one the content type claims (a PNG labelled image/gif is refused).</summary>
    public static bool Matches(string contentType, SKEncodedImageFormat actual) =>
        Decodable.TryGetValue(UploadMetadata.BareType(contentType), out var expected) && expected == actual;

    /// <summary>Formats that may be animated, served as they are for <c>animated=true</c>.</summary>
    public static bool MayBeAnimated(string contentType) => UploadMetadata.BareType(contentType) is "image/gif" or "image/webp";

    /// <summary>Thumbnails of JPEG photos stay JPEG; everything else becomes PNG (keeps transparency).</summary>
    public static string ThumbnailTypeFor(string contentType) =>
        UploadMetadata.BareType(contentType) == "image/jpeg" ? "image/jpeg" : "image/png";
}
