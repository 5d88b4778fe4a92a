using Homeserver.Configuration;
using SkiaSharp;

namespace Homeserver.Media.Thumbnails;

/// <summary>
/// Draws thumbnails with SkiaSharp: decodes the (first frame of the) image, scales it into the planned size, for
/// <c>crop</c> cutting the middle part of the matching aspect, and encodes it as PNG or JPEG.
/// </summary>
public static class ThumbnailRenderer
{
    private const int JpegQuality = 80;

    /// <summary>Renders the thumbnail of the image file at <paramref name="sourcePath"/> into <paramref name="output"/>.</summary>
    public static void Render(string sourcePath, ThumbnailPlan plan, string outputType, Stream output)
    {
        using var codec = SKCodec.Create(sourcePath) ?? throw new InvalidDataException("The image cannot be decoded.");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var stored = new SKBitmap(info);
        var result = codec.GetPixels(info, stored.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new InvalidDataException($"The image cannot be decoded ({result}).");
        using var turned = codec.EncodedOrigin is SKEncodedOrigin.TopLeft ? null : Upright(stored, codec.EncodedOrigin);
        var source = turned ?? stored;

        using var target = new SKBitmap(new SKImageInfo(plan.OutputWidth, plan.OutputHeight, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(target))
        {
            canvas.Clear(outputType == "image/jpeg" ? SKColors.White : SKColors.Transparent);
            using var image = SKImage.FromBitmap(source);
            var sampling = new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);
            canvas.DrawImage(image, SourceRect(plan, source.Width, source.Height), new SKRect(0, 0, plan.OutputWidth, plan.OutputHeight), sampling);
            canvas.Flush();
        }
        using var encoded = target.Encode(outputType == "image/jpeg" ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, JpegQuality)
                            ?? throw new InvalidDataException("The thumbnail could not be encoded.");
        encoded.SaveTo(output);
    }

    /// <summary>The decoded pixels turned upright as the EXIF orientation says, in a new bitmap.</summary>
    private static SKBitmap Upright(SKBitmap stored, SKEncodedOrigin origin)
    {
        var swap = ImageOrientation.SwapsSides(origin);
        var upright = new SKBitmap(new SKImageInfo(swap ? stored.Height : stored.Width, swap ? stored.Width : stored.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(upright);
        canvas.SetMatrix(ImageOrientation.Upright(origin, stored.Width, stored.Height));
        canvas.DrawBitmap(stored, 0, 0);
        canvas.Flush();
        return upright;
    }

    /// <summary>The part of the image drawn: all of it for scale, the centred part of the output's aspect for crop.</summary>
    private static SKRect SourceRect(ThumbnailPlan plan, int width, int height)
    {
        if (plan.Size.Method != ThumbnailSizeConfig.Crop) return new SKRect(0, 0, width, height);
        var targetAspect = (double)plan.OutputWidth / plan.OutputHeight;
        if ((double)width / height > targetAspect)
        {
            var cropWidth = height * targetAspect;
            var left = (width - cropWidth) / 2;
            return new SKRect((float)left, 0, (float)(left + cropWidth), height);
        }
        var cropHeight = width / targetAspect;
        var top = (height - cropHeight) / 2;
        return new SKRect(0, (float)top, width, (float)(top + cropHeight));
    }
}
