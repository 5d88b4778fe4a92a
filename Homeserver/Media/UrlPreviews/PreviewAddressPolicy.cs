using System.Net;
using Homeserver.Configuration;

namespace Homeserver.Media.UrlPreviews;

/// <summary>
/// Which IP addresses URL previews may connect to: none in the always-blocked private and reserved ranges or in
/// <c>url_preview_ip_range_blacklist</c>, unless <c>url_preview_ip_range_whitelist</c> contains it. IPv4 addresses
/// inside IPv6 (mapped, NAT64, 6to4) are judged as the IPv4 address they carry.
/// </summary>
public sealed class PreviewAddressPolicy
{
    /// <summary>Ranges no preview may reach by default: loopback, private, link-local, shared, multicast, reserved, documentation.</summary>
    public static readonly IReadOnlyList<string> AlwaysBlocked =
    [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
        "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
        "::/128", "::1/128", "100::/64", "2001::/23", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    ];

    private readonly IPNetwork[] _blocked;
    private readonly IPNetwork[] _allowed;

    public PreviewAddressPolicy(HomeserverConfig config)
    {
        _blocked = AlwaysBlocked.Concat(config.UrlPreviewIpRangeBlacklist).Select(IpRangeNotation.Parse).ToArray();
        _allowed = config.UrlPreviewIpRangeWhitelist.Select(IpRangeNotation.Parse).ToArray();
    }

    public bool IsAllowed(IPAddress address)
    {
        var effective = Embedded(address);
        if (_allowed.Any(range => range.Contains(effective))) return true;
        return !_blocked.Any(range => range.Contains(effective));
    }

    /// <summary>The IPv4 address an IPv6 address carries (mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16), else the address.</summary>
    private static IPAddress Embedded(IPAddress address)
    {
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address;
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            return new IPAddress(bytes.AsSpan(12, 4));
        if (bytes[0] == 0x20 && bytes[1] == 0x02)
            return new IPAddress(bytes.AsSpan(2, 4));
        return address;
    }
}
