using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Microsoft.Extensions.Logging;
using ServerNameSyntax = Homeserver.Federation.Identifiers.ServerName;

namespace Homeserver.Federation.Transport;

/// <summary>
/// Server discovery in the spec's order ("Resolving server names"): the configured address map first;
/// an IP literal; an explicit port; <c>/.well-known/matrix/server</c> delegation (itself resolved by IP
/// literal, explicit port, SRV or port 8448); SRV <c>_matrix-fed._tcp</c>, then the deprecated
/// <c>_matrix._tcp</c>; else port 8448. Well-known answers are cached as their <c>Cache-Control</c> says
/// (24 hours without it, at most 48 hours), failures for an hour.
/// </summary>
public sealed class ServerNameResolver(
    FederationClientOptions options,
    ISrvLookup srv,
    IWellKnownFetcher wellKnown,
    TimeProvider time,
    ILogger<ServerNameResolver> logger) : IServerNameResolver
{
    public const int DefaultPort = 8448;
    public static readonly TimeSpan DefaultWellKnownLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaxWellKnownLifetime = TimeSpan.FromHours(48);
    public static readonly TimeSpan WellKnownErrorLifetime = TimeSpan.FromHours(1);
    private const int MaxCachedWellKnown = 10_000;

    /// <summary>Hostname to its delegated server name (null: no valid delegation) and when that expires.</summary>
    private readonly ConcurrentDictionary<string, (string? Delegated, DateTimeOffset Expires)> _wellKnownCache = new(StringComparer.OrdinalIgnoreCase);

    public async Task<ResolvedServer> ResolveAsync(string serverName, CancellationToken cancellationToken)
    {
        if (!ServerNameSyntax.TryParse(serverName, out var name))
            throw new FederationRequestException(serverName, "not a valid server name");
        if (options.AddressMap.TryGetValue(serverName, out var mapped))
        {
            if (!ServerNameSyntax.TryParse(mapped, out var address) || address.Port is not { } mappedPort)
                throw new FederationRequestException(serverName, $"the address map entry '{mapped}' is not host:port");
            return Checked(serverName, new ResolvedServer(Unbracket(address.Host), mappedPort, serverName));
        }

        var host = Unbracket(name.Host);
        // 1. An IP literal, 2. an explicit port: no delegation; Host is the server name.
        if (IsIpLiteral(host)) return Checked(serverName, new ResolvedServer(host, name.Port ?? DefaultPort, serverName));
        if (name.Port is { } port) return Checked(serverName, new ResolvedServer(host, port, serverName));

        // 3. Delegation by /.well-known/matrix/server.
        if (await DelegatedNameAsync(host, cancellationToken).ConfigureAwait(false) is { } delegatedText &&
            ServerNameSyntax.TryParse(delegatedText, out var delegated))
        {
            var delegatedHost = Unbracket(delegated.Host);
            if (IsIpLiteral(delegatedHost))
                return Checked(serverName, new ResolvedServer(delegatedHost, delegated.Port ?? DefaultPort, delegatedText));
            if (delegated.Port is { } delegatedPort)
                return Checked(serverName, new ResolvedServer(delegatedHost, delegatedPort, delegatedText));
            if (await SrvAsync(delegatedHost, cancellationToken).ConfigureAwait(false) is { } delegatedSrv)
                return Checked(serverName, new ResolvedServer(delegatedSrv.Host, delegatedSrv.Port, delegatedHost));
            return new ResolvedServer(delegatedHost, DefaultPort, delegatedHost);
        }

        // 4, 5. SRV records of the server's own hostname; 6. port 8448.
        if (await SrvAsync(host, cancellationToken).ConfigureAwait(false) is { } target)
            return Checked(serverName, new ResolvedServer(target.Host, target.Port, host));
        return new ResolvedServer(host, DefaultPort, host);
    }

    /// <summary><c>_matrix-fed._tcp</c>, else the deprecated <c>_matrix._tcp</c>: the best record (lowest priority, then highest weight).</summary>
    private async Task<SrvTarget?> SrvAsync(string host, CancellationToken cancellationToken)
    {
        foreach (var service in new[] { "_matrix-fed._tcp.", "_matrix._tcp." })
        {
            var records = await srv.LookupAsync(service + host, cancellationToken).ConfigureAwait(false);
            // A target of "." says the service is not offered there.
            var best = records.Where(r => r.Host is { Length: > 0 } and not "." && r.Port is > 0 and <= 65535)
                .OrderBy(r => r.Priority).ThenByDescending(r => r.Weight).FirstOrDefault();
            if (best is not null) return best with { Host = best.Host.TrimEnd('.') };
        }
        return null;
    }

    private async Task<string?> DelegatedNameAsync(string host, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_wellKnownCache.TryGetValue(host, out var cached) && cached.Expires > now) return cached.Delegated;

        var response = await wellKnown.FetchAsync(host, cancellationToken).ConfigureAwait(false);
        var delegated = response is { StatusCode: 200 } ? ParseDelegation(response.Body) : null;
        TimeSpan lifetime;
        if (delegated is null)
        {
            lifetime = WellKnownErrorLifetime;
            TransportLog.NoWellKnown(logger, host, response is null ? "no answer" : $"status {response.StatusCode} or invalid content");
        }
        else if (response!.NoStore) lifetime = TimeSpan.Zero;
        else if (response.MaxAge is { } maxAge) lifetime = maxAge < MaxWellKnownLifetime ? maxAge : MaxWellKnownLifetime;
        else lifetime = DefaultWellKnownLifetime;

        if (lifetime > TimeSpan.Zero)
        {
            if (_wellKnownCache.Count >= MaxCachedWellKnown) _wellKnownCache.Clear();
            _wellKnownCache[host] = (delegated, now + lifetime);
        }
        return delegated;
    }

    /// <summary>The <c>m.server</c> of a well-known body when it is a valid server name; the content type does not matter.</summary>
    internal static string? ParseDelegation(byte[] body)
    {
        if (!CanonicalJsonReader.TryParse(body, strict: false, out var node, out _)) return null;
        return node is JsonObject json && json["m.server"] is JsonValue value && value.TryGetValue(out string? server) &&
               ServerNameSyntax.IsValid(server)
            ? server
            : null;
    }

    private static ResolvedServer Checked(string serverName, ResolvedServer resolved) =>
        resolved.Port is > 0 and <= 65535 ? resolved : throw new FederationRequestException(serverName, $"port {resolved.Port} is out of range");

    private static string Unbracket(string host) => host.StartsWith('[') ? host[1..^1] : host;

    private static bool IsIpLiteral(string host) => IPAddress.TryParse(host, out _) && (host.Contains(':') || host.Count(c => c == '.') == 3);
}
