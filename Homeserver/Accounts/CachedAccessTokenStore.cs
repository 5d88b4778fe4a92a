using System.Collections.Concurrent;
using Homeserver.Storage.Accounts;

namespace Homeserver.Accounts;

/// <summary>
/// The access token store with found tokens kept in memory: every authenticated request looks its token up, and
/// the lookup was a database round trip each. Unknown tokens are never kept (made-up tokens cannot fill the cache).
/// A deletion through this store empties the cache at once, so a logged-out token fails on its next request here;
/// <see cref="Lifetime"/> bounds how long a deletion made through another node sharing the database goes unseen.
/// Expiry is still checked on every request (the record carries it).
/// </summary>
public sealed class CachedAccessTokenStore(AccessTokenStore store, TimeProvider time) : IAccessTokenStore
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    /// <summary>Tokens kept at most; the cache starts over beyond that.</summary>
    public const int MaxTokens = 100_000;

    private readonly ConcurrentDictionary<string, (AccessTokenRecord Record, DateTimeOffset Until)> _byHash = new(StringComparer.Ordinal);

    /// <summary>Deletions made through this store; a token read while one happened is not kept (it may be deleted).</summary>
    private long _deletions;

    public async Task<AccessTokenRecord?> FindByTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        var key = Convert.ToBase64String(tokenHash);
        var now = time.GetUtcNow();
        if (_byHash.TryGetValue(key, out var cached) && cached.Until > now)
            return cached.Record;
        var deletionsBefore = Interlocked.Read(ref _deletions);
        var record = await store.FindByTokenHashAsync(tokenHash, cancellationToken);
        if (record is null)
            return null;
        if (_byHash.Count >= MaxTokens)
            _byHash.Clear();
        if (Interlocked.Read(ref _deletions) == deletionsBefore)
            _byHash[key] = (record, now + Lifetime);
        return record;
    }

    public Task AddAsync(byte[] tokenHash, AccessTokenRecord record, CancellationToken cancellationToken) =>
        store.AddAsync(tokenHash, record, cancellationToken);

    public Task<bool> DeleteAsync(byte[] tokenHash, CancellationToken cancellationToken) =>
        ForgettingAsync(() => store.DeleteAsync(tokenHash, cancellationToken));

    public Task<int> DeleteByDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken) =>
        ForgettingAsync(() => store.DeleteByDeviceAsync(userId, deviceId, cancellationToken));

    public Task<int> DeleteByUserAsync(string userId, string? keepDeviceId, CancellationToken cancellationToken) =>
        ForgettingAsync(() => store.DeleteByUserAsync(userId, keepDeviceId, cancellationToken));

    /// <summary>Runs a deletion, then forgets every kept token (also when it failed: part of it may have happened).</summary>
    private async Task<T> ForgettingAsync<T>(Func<Task<T>> deletion)
    {
        try
        {
            return await deletion();
        }
        finally
        {
            Interlocked.Increment(ref _deletions);
            _byHash.Clear();
        }
    }
}
