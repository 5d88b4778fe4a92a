using DnsClient;
using DnsClient.Protocol;

namespace Homeserver.Federation.Transport;

/// <summary>
/// SRV look-ups with the system's DNS servers (DnsClient caches answers for their TTL). Any DNS failure,
/// including a machine without configured name servers, counts as "no records".
/// </summary>
public sealed class DnsSrvLookup : ISrvLookup
{
    private readonly Lazy<LookupClient> _client = new(() => new LookupClient(new LookupClientOptions
    {
        UseCache = true,
        Timeout = TimeSpan.FromSeconds(5),
        Retries = 1,
        ThrowDnsErrors = false,
    }));

    public async Task<IReadOnlyList<SrvTarget>> LookupAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.Value.QueryAsync(name, QueryType.SRV, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            if (response.HasError) return [];
            return response.Answers.OfType<SrvRecord>()
                .Select(r => new SrvTarget(r.Target.Value.TrimEnd('.'), r.Port, r.Priority, r.Weight))
                .ToList();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is DnsResponseException or InvalidOperationException or ArgumentException or OperationCanceledException
                                      or System.Net.Sockets.SocketException)
        {
            return [];
        }
    }
}
