using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Homeserver.Configuration;

/// <summary>
/// The spec's server name grammar (appendices, "Server Name"): <c>hostname [ ":" port ]</c> where the
/// hostname is an IPv4 literal, a bracketed IPv6 literal or a DNS name of letters, digits, '-' and '.'.
/// </summary>
public static class ServerNameSyntax
{
    public static bool IsValid(string serverName, out string error)
    {
        error = "";
        string host;
        string? port = null;
        if (serverName.StartsWith('['))
        {
            var close = serverName.IndexOf(']');
            if (close < 0 || !IPAddress.TryParse(serverName[1..close], out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = "an IPv6 literal must be a valid address in brackets, like [::1]";
                return false;
            }
            var rest = serverName[(close + 1)..];
            if (rest.Length > 0 && !rest.StartsWith(':'))
            {
                error = "only ':port' may follow the IPv6 literal";
                return false;
            }
            if (rest.Length > 0) port = rest[1..];
            host = serverName[..(close + 1)];
        }
        else
        {
            var colon = serverName.LastIndexOf(':');
            host = colon < 0 ? serverName : serverName[..colon];
            if (colon >= 0) port = serverName[(colon + 1)..];
            if (host.Length is 0 or > 255 || !host.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
            {
                error = "the host must be 1-255 letters, digits, '-' and '.' (or an IP literal)";
                return false;
            }
        }
        if (port is not null && (port.Length is 0 or > 5 || !port.All(char.IsAsciiDigit) ||
                                 int.Parse(port, CultureInfo.InvariantCulture) is < 1 or > 65535))
        {
            error = "the port must be 1..65535";
            return false;
        }
        return true;
    }

    /// <summary>The host part, without port and brackets (<c>[::1]:8448</c> gives <c>::1</c>).</summary>
    public static string Host(string serverName)
    {
        if (serverName.StartsWith('[')) return serverName[1..serverName.IndexOf(']')];
        var colon = serverName.LastIndexOf(':');
        return colon < 0 ? serverName : serverName[..colon];
    }
}
