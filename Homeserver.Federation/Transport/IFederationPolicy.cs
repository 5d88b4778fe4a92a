namespace Homeserver.Federation.Transport;

/// <summary>
/// Which servers this server federates with at all (the configured allow and deny lists), asked for
/// every inbound request and every outbound destination. Room-level server ACLs are separate.
/// </summary>
public interface IFederationPolicy
{
    bool IsAllowed(string serverName);
}

/// <summary>Federates with everyone: the default until configuration registers a policy.</summary>
public sealed class AllowAllFederationPolicy : IFederationPolicy
{
    public bool IsAllowed(string serverName) => true;
}
