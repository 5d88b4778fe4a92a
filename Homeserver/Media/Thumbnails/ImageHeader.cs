using SkiaSharp;

namespace Homeserver.Media.Thumbnails;

/// <summary>
/// The displayed size (after EXIF orientation) and format of an image, read from its header without decoding the pixels.
/// </summary>
public sealed record ImageHeader(int Width, int Height, SKEncodedImageFormat Format)
{
    public long Pixels => (long)Width * Height;

    /// <summary>Reads the header of an image file; null when it is no image the decoder knows.</summary>
    public static ImageHeader? Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream);
    }

    public static ImageHeader? Read(Stream stream)
    {
        using var codec = SKCodec.Create(stream, out var result);
        if (codec is null || result != SKCodecResult.Success) return null;
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0) return null;
        return ImageOrientation.SwapsSides(codec.EncodedOrigin)
            ? new ImageHeader(info.Height, info.Width, codec.EncodedFormat)
            : new ImageHeader(info.Width, info.Height, codec.EncodedFormat);
    }
}
