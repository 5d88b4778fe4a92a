using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Homeserver.Federation.Transport;

/// <summary>
/// TLS certificate checks for federation ("TLS"): the system's validation, which includes the name
/// check against the SNI name; a certificate whose only fault is an unknown issuer is accepted when
/// it chains to one of the configured certificate authorities.
/// </summary>
public static class FederationCertificateValidator
{
    public static RemoteCertificateValidationCallback Create(FederationClientOptions options) =>
        (_, certificate, chain, errors) => IsValid(certificate, chain, errors, options);

    public static bool IsValid(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, FederationClientOptions options)
    {
        if (!options.VerifyCertificates || errors == SslPolicyErrors.None) return true;
        // A wrong name or no certificate is never rescued by a custom authority.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null || options.CustomCertificateAuthorities.Count == 0)
            return false;

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(options.CustomCertificateAuthorities);
        // Private authorities rarely publish revocation lists.
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
            foreach (var element in chain.ChainElements)
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span))
                    custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        return custom.Build(leaf);
    }
}
