using System.Net;
using Homeserver.Configuration;
using Homeserver.Media.UrlPreviews;

namespace Homeserver.Tests.ClientApi.Media;

public sealed class PreviewAddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("fc00::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("2002:7f00:1::")]
    [InlineData("2001:db8::1")]
    public void Private_and_reserved_addresses_are_blocked_by_default(string address)
    {
        new PreviewAddressPolicy(new HomeserverConfig()).IsAllowed(IPAddress.Parse(address)).Should().BeFalse();
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("::ffff:93.184.216.34")]
    public void Public_addresses_are_allowed(string address)
    {
        new PreviewAddressPolicy(new HomeserverConfig()).IsAllowed(IPAddress.Parse(address)).Should().BeTrue();
    }

    [Fact]
    public void The_blacklist_adds_ranges_and_the_whitelist_makes_exceptions()
    {
        var config = new HomeserverConfig
        {
            UrlPreviewIpRangeBlacklist = ["93.184.0.0/16"],
            UrlPreviewIpRangeWhitelist = ["10.1.2.3", "93.184.216.0/24"],
        };
        var policy = new PreviewAddressPolicy(config);

        policy.IsAllowed(IPAddress.Parse("93.184.1.1")).Should().BeFalse();
        policy.IsAllowed(IPAddress.Parse("93.184.216.34")).Should().BeTrue();
        policy.IsAllowed(IPAddress.Parse("10.1.2.3")).Should().BeTrue();
        policy.IsAllowed(IPAddress.Parse("10.1.2.4")).Should().BeFalse();
    }
}
