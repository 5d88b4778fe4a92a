using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Homeserver.Accounts;

/// <summary>
/// Single-use nonces of shared-secret registration, kept in memory for a minute as Synapse does. In memory is
/// enough: the admin tool asks for a nonce and uses it right away; with several processes behind a load
/// balancer, route <c>/_synapse/admin</c> to one of them (a nonce unknown to a process is only a retry).
/// </summary>
public sealed class RegistrationNonces(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    /// <summary>Most nonces held at once, so that unauthenticated callers cannot exhaust memory.</summary>
    public const int MaxNonces = 10_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _nonces = new(StringComparer.Ordinal);

    public string Create()
    {
        var now = time.GetUtcNow();
        if (_nonces.Count >= MaxNonces)
        {
            foreach (var (nonce, expires) in _nonces)
                if (expires <= now) _nonces.TryRemove(nonce, out _);
            if (_nonces.Count >= MaxNonces)
                throw Federation.Http.MatrixException.LimitExceeded(Lifetime);
        }
        var created = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _nonces[created] = now + Lifetime;
        return created;
    }

    /// <summary>Uses up the nonce; true when it was issued here and has not expired or been used.</summary>
    public bool TryConsume(string nonce) =>
        _nonces.TryRemove(nonce, out var expires) && expires > time.GetUtcNow();
}
