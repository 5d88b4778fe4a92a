using System.Security.Cryptography.X509Certificates;
using Homeserver.Configuration;
using Homeserver.Federation.Keys;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Signing;
using Homeserver.Federation.Transport;
using Homeserver.Storage.Federation;

namespace Homeserver.FederationApi;

public static class FederationTransportServiceCollectionExtensions
{
    /// <summary>
    /// Registers federation's transport and keys from the configuration: the allow/deny policy, server name
    /// resolution, the signing HTTPS client (<see cref="IFederationClient"/>), this server's key response, the
    /// notary and the remote key fetcher as <see cref="IServerKeys"/>. These replace the defaults that
    /// <c>AddMatrixHttp</c> and <c>AddRoomEventPipeline</c> register; tests replace them in turn.
    /// </summary>
    public static IServiceCollection AddFederationTransport(this IServiceCollection services)
    {
        services.AddSingleton<IFederationPolicy>(sp => new ConfiguredFederationPolicy(sp.GetRequiredService<HomeserverConfig>()));
        services.AddSingleton(sp => CreateClientOptions(sp.GetRequiredService<HomeserverConfig>()));
        services.AddSingleton(sp => CreateKeyOptions(sp.GetRequiredService<HomeserverConfig>()));
        services.AddSingleton<ISrvLookup, DnsSrvLookup>();
        services.AddSingleton<IWellKnownFetcher, HttpWellKnownFetcher>();
        services.AddSingleton<IServerNameResolver, ServerNameResolver>();
        services.AddSingleton<FederationHttpClient>();
        services.AddSingleton<IFederationClient>(sp => sp.GetRequiredService<FederationHttpClient>());
        services.AddSingleton<IServerKeyStore, ServerKeyStore>();
        services.AddSingleton<LocalServerKeys>();
        services.AddSingleton<RemoteServerKeys>();
        services.AddSingleton<KeyNotary>();
        services.AddSingleton<IServerKeys>(sp => sp.GetRequiredService<RemoteServerKeys>());
        return services;
    }

    public static FederationClientOptions CreateClientOptions(HomeserverConfig config)
    {
        var authorities = new X509Certificate2Collection();
        foreach (var path in config.FederationCustomCaList)
        {
            try
            {
                authorities.ImportFromPemFile(path);
            }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new ConfigException($"federation_custom_ca_list: cannot load the PEM certificates of {path}: {e.Message}");
            }
        }
        return new FederationClientOptions
        {
            AddressMap = new Dictionary<string, string>(config.FederationAddressMap, StringComparer.Ordinal),
            CustomCertificateAuthorities = authorities,
            VerifyCertificates = config.FederationVerifyCertificates,
        };
    }

    public static ServerKeyOptions CreateKeyOptions(HomeserverConfig config) => new()
    {
        TrustedKeyServers = config.TrustedKeyServers
            .Select(s => new TrustedKeyServer(s.ServerName, s.VerifyKeys.Select(k => VerifyKey.FromBase64(k.Key, k.Value)).ToList()))
            .ToList(),
        OldVerifyKeys = config.OldSigningKeys.ToDictionary(k => k.Key, k => VerifyKey.FromBase64(k.Key, k.Value.Key, k.Value.ExpiredTs),
            StringComparer.Ordinal),
        KeyRefreshInterval = config.KeyRefreshInterval,
        DeniedKeys = config.FederationKeyDenylist.ToHashSet(StringComparer.Ordinal),
    };
}
