using System.Security.Cryptography.X509Certificates;
using Homeserver.Configuration;
using Homeserver.Federation.Signing;

namespace Homeserver.Hosting;

/// <summary>Everything the server needs before the host is built: the loaded config, the signing key and the TLS certificates.</summary>
public sealed record PreparedServer(LoadedConfig Loaded, SigningKey SigningKey, IReadOnlyDictionary<int, X509Certificate2> Certificates)
{
    public HomeserverConfig Config => Loaded.Config;
}
