using System.Collections.Concurrent;
using Homeserver.Storage.Push;

namespace Homeserver.Notifications;

/// <summary>
/// The pusher store with users' pushers kept in memory: every notification asks for its user's pushers, and most
/// users have none. A change through this store empties the cache at once (a change may remove other users'
/// pushers of the same app id and pushkey); <see cref="Lifetime"/> bounds how long a change made through another
/// node sharing the database goes unseen.
/// </summary>
public sealed class CachedPusherStore(PusherStore store, TimeProvider time) : IPusherStore
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    /// <summary>Users whose pushers are kept at most; the cache starts over beyond that.</summary>
    public const int MaxUsers = 100_000;

    private readonly ConcurrentDictionary<string, (IReadOnlyList<PusherRecord> Pushers, DateTimeOffset Until)> _byUser = new(StringComparer.Ordinal);

    /// <summary>Changes made through this store; pushers read while one happened are not kept (they may be stale).</summary>
    private long _changes;

    public async Task<IReadOnlyList<PusherRecord>> GetForUserAsync(string userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_byUser.TryGetValue(userId, out var cached) && cached.Until > now)
            return cached.Pushers;
        var changesBefore = Interlocked.Read(ref _changes);
        var pushers = await store.GetForUserAsync(userId, cancellationToken);
        if (_byUser.Count >= MaxUsers)
            _byUser.Clear();
        if (Interlocked.Read(ref _changes) == changesBefore)
            _byUser[userId] = (pushers, now + Lifetime);
        return pushers;
    }

    public async Task SetAsync(PusherRecord pusher, bool append, CancellationToken cancellationToken)
    {
        try
        {
            await store.SetAsync(pusher, append, cancellationToken);
        }
        finally
        {
            Forget();
        }
    }

    public async Task<bool> DeleteAsync(string userId, string appId, string pushkey, CancellationToken cancellationToken)
    {
        try
        {
            return await store.DeleteAsync(userId, appId, pushkey, cancellationToken);
        }
        finally
        {
            Forget();
        }
    }

    private void Forget()
    {
        Interlocked.Increment(ref _changes);
        _byUser.Clear();
    }
}
