using Homeserver.Federation.Signing;

namespace Homeserver.Federation.Keys;

/// <summary>How this server publishes its keys and fetches, trusts and caches other servers' keys.</summary>
public sealed class ServerKeyOptions
{
    /// <summary>Other servers never get to use a key for longer than this after it was fetched (spec: 7 days).</summary>
    public static readonly TimeSpan MaxKeyValidity = TimeSpan.FromDays(7);

    /// <summary>Notaries asked when a server cannot be reached directly, in order.</summary>
    public IReadOnlyList<TrustedKeyServer> TrustedKeyServers { get; init; } = [];

    /// <summary>This server's earlier keys (with <see cref="VerifyKey.ValidUntilTs"/> = their <c>expired_ts</c>), by key id.</summary>
    public IReadOnlyDictionary<string, VerifyKey> OldVerifyKeys { get; init; } = new Dictionary<string, VerifyKey>();

    /// <summary>The <c>valid_until_ts</c> this server publishes is now plus this (at most <see cref="MaxKeyValidity"/>).</summary>
    public TimeSpan KeyRefreshInterval { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Public keys (unpadded base64) never trusted, whoever presents them.</summary>
    public IReadOnlySet<string> DeniedKeys { get; init; } = new HashSet<string>();

    /// <summary>A server's keys are fetched at most this often when a key is missing (a negative cache).</summary>
    public TimeSpan MinimumRefetchInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Servers whose keys are held in memory; beyond it the memory cache starts over (the store keeps them).</summary>
    public int MaxCachedServers { get; init; } = 10_000;

    /// <summary>
    /// Key fetches in flight at once, across all servers. Any request naming a new origin makes us fetch that
    /// name's keys; the cap keeps a flood of made-up origins from turning into a flood of outgoing requests.
    /// </summary>
    public int MaxConcurrentFetches { get; init; } = 16;
}

/// <summary>A notary server and the keys its answers must be signed with.</summary>
public sealed record TrustedKeyServer(string ServerName, IReadOnlyList<VerifyKey> VerifyKeys);
