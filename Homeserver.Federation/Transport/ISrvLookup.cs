namespace Homeserver.Federation.Transport;

/// <summary>DNS SRV look-ups, behind an interface so that server discovery can be tested without a network.</summary>
public interface ISrvLookup
{
    /// <summary>The records of a name such as <c>_matrix-fed._tcp.example.org</c>; empty when there are none or DNS fails.</summary>
    Task<IReadOnlyList<SrvTarget>> LookupAsync(string name, CancellationToken cancellationToken);
}

/// <summary>One SRV record: target host (without trailing dot) and port, with its priority and weight.</summary>
public sealed record SrvTarget(string Host, int Port, int Priority = 0, int Weight = 0);
