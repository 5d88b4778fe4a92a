namespace Homeserver.Configuration;

/// <summary>
/// One HTTP listener (Synapse's <c>listeners</c> entry). <see cref="Resources"/> says which APIs it
/// serves; Synapse's form <c>resources: [{names: [client, federation]}]</c> is accepted too.
/// </summary>
public sealed class ListenerConfig
{
    public int Port { get; set; } = 8008;

    /// <summary>Only <c>http</c> is supported (Synapse also knows <c>metrics</c> and <c>manhole</c>).</summary>
    public string Type { get; set; } = "http";

    public List<string> BindAddresses { get; set; } = ["127.0.0.1"];
    public bool Tls { get; set; }
    public string? TlsCertificatePath { get; set; }
    public string? TlsPrivateKeyPath { get; set; }

    /// <summary>
    /// Behind a reverse proxy: take the client address from the last <c>X-Forwarded-For</c> entry (the one
    /// the proxy added) and the scheme from <c>X-Forwarded-Proto</c>. Only for ports that just the proxy reaches.
    /// </summary>
    public bool XForwarded { get; set; }

    /// <summary>Which APIs this listener serves: <c>client</c>, <c>federation</c>, <c>media</c>, <c>keys</c>.</summary>
    public List<string> Resources { get; set; } = [ListenerResourceNames.Client, ListenerResourceNames.Federation];
}
