using Homeserver.Configuration;
using Homeserver.Federation.Transport;

namespace Homeserver.FederationApi;

/// <summary>
/// The federation allow and deny lists of the configuration (<c>federation_domain_whitelist</c>,
/// <c>federation_domain_denylist</c>). An entry without a port covers every port of its host; names
/// are compared case-insensitively, as DNS does. The deny list wins over the allow list.
/// </summary>
public sealed class ConfiguredFederationPolicy : IFederationPolicy
{
    private readonly HashSet<string>? _allowed;
    private readonly HashSet<string> _denied;

    public ConfiguredFederationPolicy(IEnumerable<string>? whitelist, IEnumerable<string> denylist)
    {
        _allowed = whitelist?.ToHashSet(StringComparer.OrdinalIgnoreCase);
        _denied = denylist.ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    public ConfiguredFederationPolicy(HomeserverConfig config) : this(config.FederationDomainWhitelist, config.FederationDomainDenylist)
    {
    }

    public bool IsAllowed(string serverName)
    {
        var host = ResolvedServer.HostOfServerName(serverName);
        if (_denied.Contains(serverName) || _denied.Contains(host)) return false;
        return _allowed is null || _allowed.Contains(serverName) || _allowed.Contains(host);
    }
}
