using DnsClient;
using DnsClient.Protocol;

namespace Homeserver.Federation.Transport;

/// <summary>SRV look-ups with the system's DNS servers (DnsClient caches answers for their TTL).</summary>
public sealed class DnsSrvLookup : ISrvLookup
{
    private readonly LookupClient _client = new(new LookupClientOptions
    {
        UseCache = true,
        Timeout = TimeSpan.FromSeconds(5),
        Retries = 1,
        ThrowDnsErrors = false,
    });

    public async Task<IReadOnlyList<SrvTarget>> LookupAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.QueryAsync(name, QueryType.SRV, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            if (response.HasError) return [];
            return response.Answers.OfType<SrvRecord>()
                .Select(r => new SrvTarget(r.Target.Value.TrimEnd('.'), r.Port, r.Priority, r.Weight))
                .ToList();
        }
        catch (DnsResponseException)
        {
            return [];
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return [];
        }
    }
}
