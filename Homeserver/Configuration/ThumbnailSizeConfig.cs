namespace Homeserver.Configuration;

/// <summary>One entry of <c>thumbnail_sizes</c>: a size box and how an image is fitted into it.</summary>
public sealed class ThumbnailSizeConfig
{
    public const string Crop = "crop";
    public const string Scale = "scale";

    /// <summary>The largest width or height a thumbnail may be configured with.</summary>
    public const int MaxDimension = 10_000;

    public int Width { get; set; }
    public int Height { get; set; }

    /// <summary><c>crop</c> (exactly this aspect, cut to fit) or <c>scale</c> (original aspect, fitting in the box).</summary>
    public string Method { get; set; } = Scale;

    /// <summary>The sizes the spec recommends, also Synapse's defaults.</summary>
    public static List<ThumbnailSizeConfig> Defaults() =>
    [
        new() { Width = 32, Height = 32, Method = Crop },
        new() { Width = 96, Height = 96, Method = Crop },
        new() { Width = 320, Height = 240, Method = Scale },
        new() { Width = 640, Height = 480, Method = Scale },
        new() { Width = 800, Height = 600, Method = Scale },
    ];
}
