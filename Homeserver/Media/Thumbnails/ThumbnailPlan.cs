using Homeserver.Configuration;

namespace Homeserver.Media.Thumbnails;

/// <summary>
/// A thumbnail to make: the configured size it comes from (its cache key) and the output size, which is the
/// configured box fitted to the image without ever enlarging it.
/// </summary>
public sealed record ThumbnailPlan(ThumbnailSizeConfig Size, int OutputWidth, int OutputHeight)
{
    /// <summary>
    /// The output size of a configured size for an image: <c>scale</c> keeps the image's aspect and fits in the box;
    /// <c>crop</c> takes the box's aspect, shrunk as a whole when the image is smaller than the box.
    /// </summary>
    public static ThumbnailPlan For(ThumbnailSizeConfig size, int imageWidth, int imageHeight)
    {
        long w = size.Width, h = size.Height, iw = imageWidth, ih = imageHeight;
        if (size.Method == ThumbnailSizeConfig.Crop)
        {
            // Covering the box needs the larger of the two factors; above 1 the image would be enlarged.
            var factor = Math.Max((double)w / iw, (double)h / ih);
            if (factor > 1)
            {
                w = Math.Clamp((long)Math.Round(w / factor), 1, iw);
                h = Math.Clamp((long)Math.Round(h / factor), 1, ih);
            }
            return new ThumbnailPlan(size, (int)w, (int)h);
        }
        // Scale: the box side that limits the image decides; never past the image's own size.
        var (outW, outH) = w * ih < h * iw ? (w, Math.Max(1, w * ih / iw)) : (Math.Max(1, h * iw / ih), h);
        return new ThumbnailPlan(size, (int)Math.Min(outW, iw), (int)Math.Min(outH, ih));
    }

    /// <summary>Whether the output is the image at its own size, so the original serves better than a copy.</summary>
    public bool KeepsOriginalSize(int imageWidth, int imageHeight) => OutputWidth >= imageWidth && OutputHeight >= imageHeight;
}
