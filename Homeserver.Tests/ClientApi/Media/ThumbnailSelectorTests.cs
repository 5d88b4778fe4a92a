using Homeserver.Configuration;
using Homeserver.Media.Thumbnails;

namespace Homeserver.Tests.ClientApi.Media;

public sealed class ThumbnailSelectorTests
{
    private static readonly List<ThumbnailSizeConfig> Defaults = ThumbnailSizeConfig.Defaults();

    [Theory]
    // image, request, method -> output size (0x0: the original)
    [InlineData(4000, 3000, 32, 32, "crop", 32, 32)]
    [InlineData(4000, 3000, 33, 33, "crop", 96, 96)]
    [InlineData(4000, 3000, 96, 96, "crop", 96, 96)]
    [InlineData(4000, 3000, 320, 240, "scale", 320, 240)]
    [InlineData(4000, 3000, 321, 200, "scale", 320, 240)]
    [InlineData(4000, 3000, 321, 241, "scale", 640, 480)]
    [InlineData(4000, 3000, 800, 600, "scale", 800, 600)]
    [InlineData(4000, 3000, 801, 601, "scale", 0, 0)]
    [InlineData(3000, 4000, 320, 240, "scale", 180, 240)]
    [InlineData(3000, 4000, 200, 300, "scale", 360, 480)]
    [InlineData(4000, 3000, 97, 97, "crop", 320, 240)]
    public void The_best_configured_size_is_chosen(int imageWidth, int imageHeight, int width, int height, string method, int expectedWidth, int expectedHeight)
    {
        var plan = ThumbnailSelector.Select(Defaults, imageWidth, imageHeight, width, height, method);

        if (expectedWidth == 0)
            plan.Should().BeNull();
        else
            (plan!.OutputWidth, plan.OutputHeight).Should().Be((expectedWidth, expectedHeight));
    }

    [Fact]
    public void Scale_never_enlarges()
    {
        var plan = ThumbnailPlan.For(new ThumbnailSizeConfig { Width = 800, Height = 600, Method = "scale" }, 100, 50);
        (plan.OutputWidth, plan.OutputHeight).Should().Be((100, 50));
        plan.KeepsOriginalSize(100, 50).Should().BeTrue();
    }

    [Fact]
    public void Crop_keeps_the_box_aspect_without_enlarging()
    {
        var plan = ThumbnailPlan.For(new ThumbnailSizeConfig { Width = 96, Height = 48, Method = "crop" }, 500, 24);
        (plan.OutputWidth, plan.OutputHeight).Should().Be((48, 24));
    }
}
