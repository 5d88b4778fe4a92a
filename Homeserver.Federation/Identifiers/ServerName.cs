using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Homeserver.Federation.Identifiers;

/// <summary>
/// A server name (appendices, "Server Name"): a DNS name, a dotted-quad IPv4 literal or a
/// bracketed IPv6 literal, with an optional port. Compared case-sensitively, as the spec requires.
/// </summary>
public readonly record struct ServerName
{
    private ServerName(string value, string host, int? port)
    {
        Value = value;
        Host = host;
        Port = port;
    }

    public string Value { get; }
    /// <summary>The hostname part; IPv6 literals keep their brackets.</summary>
    public string Host { get; }
    public int? Port { get; }

    public override string ToString() => Value ?? "";

    public static ServerName Parse(string text) =>
        TryParse(text, out var name) ? name : throw new FormatException($"invalid server name \"{text}\"");

    public static bool IsValid(string? text) => TryParse(text, out _);

    public static bool TryParse(string? text, out ServerName name)
    {
        name = default;
        if (string.IsNullOrEmpty(text)) return false;

        string host;
        int? port = null;
        string? portText = null;
        if (text[0] == '[')
        {
            var close = text.IndexOf(']');
            if (close < 0) return false;
            host = text[..(close + 1)];
            if (close + 1 < text.Length)
            {
                if (text[close + 1] != ':') return false;
                portText = text[(close + 2)..];
            }
            if (!IsIPv6Literal(host[1..^1])) return false;
        }
        else
        {
            var colon = text.IndexOf(':');
            host = colon < 0 ? text : text[..colon];
            if (colon >= 0) portText = text[(colon + 1)..];
            if (!IsDnsNameOrIPv4(host)) return false;
        }

        if (portText is not null)
        {
            // port = 1*5DIGIT
            if (portText.Length is 0 or > 5 || !portText.All(char.IsAsciiDigit)) return false;
            port = int.Parse(portText, CultureInfo.InvariantCulture);
        }
        name = new ServerName(text, host, port);
        return true;
    }

    private static bool IsIPv6Literal(string address) =>
        address.Length is >= 2 and <= 45 &&
        address.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.') &&
        IPAddress.TryParse(address, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6;

    private static bool IsDnsNameOrIPv4(string host)
    {
        if (host.Length is 0 or > 255 || !host.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.')) return false;
        // Something shaped like a dotted quad must be a real IPv4 address (each part 0–255).
        var parts = host.Split('.');
        if (parts.Length == 4 && parts.All(p => p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit)))
            return parts.All(p => int.Parse(p, CultureInfo.InvariantCulture) <= 255);
        return true;
    }
}
