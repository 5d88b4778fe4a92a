using System.Security.Cryptography.X509Certificates;

namespace Homeserver.Federation.Transport;

/// <summary>How requests to other servers are addressed, secured and bounded.</summary>
public sealed class FederationClientOptions
{
    /// <summary>Server name to a fixed <c>host:port</c>, used before any discovery (tests, private networks).</summary>
    public IReadOnlyDictionary<string, string> AddressMap { get; init; } = new Dictionary<string, string>();

    /// <summary>Certificate authorities trusted in addition to the system's.</summary>
    public X509Certificate2Collection CustomCertificateAuthorities { get; init; } = [];

    /// <summary>Off: any certificate is accepted (tests only).</summary>
    public bool VerifyCertificates { get; init; } = true;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The whole request, from sending to the end of the JSON answer.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The largest JSON answer read (send_join answers with the room state are large).</summary>
    public long MaxResponseBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The largest <c>/.well-known/matrix/server</c> answer read.</summary>
    public int MaxWellKnownBytes { get; init; } = 64 * 1024;
}
