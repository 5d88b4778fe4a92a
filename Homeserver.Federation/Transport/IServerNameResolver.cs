namespace Homeserver.Federation.Transport;

/// <summary>Resolves a server name to where its federation requests go.</summary>
public interface IServerNameResolver
{
    /// <exception cref="FederationRequestException">The name is invalid or cannot be resolved (unreachable).</exception>
    Task<ResolvedServer> ResolveAsync(string serverName, CancellationToken cancellationToken);
}
