using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Homeserver.Configuration;

namespace Homeserver.Hosting;

/// <summary>Loads the PEM certificate and key of every TLS listener, by listener index.</summary>
public static class ListenerCertificates
{
    /// <exception cref="ConfigException">A certificate or key cannot be read or does not match.</exception>
    public static IReadOnlyDictionary<int, X509Certificate2> Load(HomeserverConfig config)
    {
        var certificates = new Dictionary<int, X509Certificate2>();
        var errors = new List<string>();
        for (var i = 0; i < config.Listeners.Count; i++)
        {
            var listener = config.Listeners[i];
            if (!listener.Tls) continue;
            try
            {
                certificates[i] = X509Certificate2.CreateFromPemFile(listener.TlsCertificatePath!, listener.TlsPrivateKeyPath);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                errors.Add($"listeners[{i}].tls_certificate_path: cannot load the PEM certificate with its private key: {e.Message}");
            }
        }
        if (errors.Count > 0) throw new ConfigException(errors);
        return certificates;
    }
}
