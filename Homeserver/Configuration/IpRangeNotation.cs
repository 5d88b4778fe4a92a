using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Homeserver.Configuration;

/// <summary>IP ranges in configuration: CIDR notation (<c>10.0.0.0/8</c>, <c>fc00::/7</c>) or a single address.</summary>
public static class IpRangeNotation
{
    public static bool TryParse(string text, [NotNullWhen(true)] out IPNetwork? range)
    {
        range = null;
        var trimmed = text.Trim();
        if (!trimmed.Contains('/'))
        {
            if (!IPAddress.TryParse(trimmed, out var address)) return false;
            range = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        if (!IPNetwork.TryParse(trimmed, out var network)) return false;
        range = network;
        return true;
    }

    public static IPNetwork Parse(string text) =>
        TryParse(text, out var range) ? range.Value : throw new FormatException($"'{text}' is not an IP range.");
}
