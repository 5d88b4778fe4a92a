namespace Homeserver.Federation.Transport;

/// <summary>
/// Where the requests for a server name go ("Resolving server names"): the host to connect to (an IP
/// literal without brackets or a DNS name), the port, and the <c>Host</c> header. The TLS certificate
/// must be valid for the host part of the <c>Host</c> header, which is also the SNI name.
/// </summary>
public sealed record ResolvedServer(string Host, int Port, string HostHeader)
{
    /// <summary>The name the certificate must match: the <c>Host</c> header without port and brackets.</summary>
    public string TlsName => HostOf(HostHeader);

    /// <summary>The host part of a server name or <c>Host</c> header, without port (IPv6 literals keep their brackets).</summary>
    public static string HostOfServerName(string hostAndPort)
    {
        if (hostAndPort.StartsWith('[')) return hostAndPort.IndexOf(']') is var close and > 0 ? hostAndPort[..(close + 1)] : hostAndPort;
        var colon = hostAndPort.LastIndexOf(':');
        return colon < 0 ? hostAndPort : hostAndPort[..colon];
    }

    internal static string HostOf(string hostAndPort)
    {
        var host = HostOfServerName(hostAndPort);
        return host.Length > 1 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;
    }
}
