using Homeserver.Configuration;

namespace Homeserver.Media.Thumbnails;

/// <summary>
/// Picks the configured thumbnail size that best answers a request, the way Synapse ranks its thumbnails:
/// for <c>crop</c>, the closest aspect ratio first, then one at least as large as asked, then the closest
/// size; for <c>scale</c>, the closest size. Only sizes reaching the requested width or height qualify (the
/// spec forbids answering smaller than asked), and a crop request falls back to the scale sizes. Null when
/// none qualifies: then the original image is the answer.
/// </summary>
public static class ThumbnailSelector
{
    public static ThumbnailPlan? Select(IReadOnlyList<ThumbnailSizeConfig> sizes, int imageWidth, int imageHeight,
        int desiredWidth, int desiredHeight, string method)
    {
        var plans = sizes.Select(size => ThumbnailPlan.For(size, imageWidth, imageHeight)).ToList();
        bool LargeEnough(ThumbnailPlan p) => p.OutputWidth >= desiredWidth || p.OutputHeight >= desiredHeight;
        long SizeDistance(ThumbnailPlan p) => Math.Abs((long)(desiredWidth - p.OutputWidth) * (desiredHeight - p.OutputHeight));

        if (method == ThumbnailSizeConfig.Crop)
        {
            var crop = plans.Where(p => p.Size.Method == ThumbnailSizeConfig.Crop && LargeEnough(p))
                .OrderBy(p => Math.Abs((long)desiredWidth * p.OutputHeight - (long)desiredHeight * p.OutputWidth))
                .ThenBy(p => desiredWidth <= p.OutputWidth && desiredHeight <= p.OutputHeight ? 0 : 1)
                .ThenBy(SizeDistance)
                .FirstOrDefault();
            if (crop is not null) return crop;
        }
        return plans.Where(p => p.Size.Method == ThumbnailSizeConfig.Scale && LargeEnough(p))
            .OrderBy(SizeDistance)
            .ThenBy(p => (long)p.OutputWidth * p.OutputHeight)
            .FirstOrDefault();
    }
}
