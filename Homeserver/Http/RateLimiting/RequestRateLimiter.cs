using System.Collections.Concurrent;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Http.Auth;

namespace Homeserver.Http.RateLimiting;

/// <summary>
/// Token-bucket rate limits from the <c>rc_*</c> settings, one bucket per (limit, key). Endpoints call
/// <see cref="Acquire(string, HttpContext)"/> (keyed by the authenticated user, else the client address)
/// or use <c>RequireRateLimit()</c>. A limit whose rate or burst is not positive is disabled. Memory is
/// bounded: buckets that have refilled completely are dropped periodically, and past
/// <see cref="MaxBuckets"/> the least recently used go too.
/// </summary>
public sealed class RequestRateLimiter
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string Policy, string Key), TokenBucket> _buckets = new();
    private readonly HomeserverConfig _config;
    private readonly TimeProvider _time;
    private readonly ILogger<RequestRateLimiter> _logger;
    private readonly Lock _sweepLock = new();
    private long _nextSweepAt;

    public RequestRateLimiter(HomeserverConfig config, TimeProvider time, ILogger<RequestRateLimiter> logger)
        : this(config, time, logger, maxBuckets: 100_000)
    {
    }

    internal RequestRateLimiter(HomeserverConfig config, TimeProvider time, ILogger<RequestRateLimiter> logger, int maxBuckets)
    {
        _config = config;
        _time = time;
        _logger = logger;
        MaxBuckets = maxBuckets;
        _nextSweepAt = time.GetTimestamp() + ToTimestampUnits(SweepInterval);
    }

    /// <summary>Most buckets kept at once.</summary>
    public int MaxBuckets { get; }

    /// <summary>Buckets currently held (for tests and metrics).</summary>
    public int BucketCount => _buckets.Count;

    /// <summary>Takes a token for the request's user (or client address); throws 429 <c>M_LIMIT_EXCEEDED</c> when none is left.</summary>
    public void Acquire(string policy, HttpContext context) => Acquire(policy, KeyFor(context));

    /// <summary>Takes a token from the bucket of <paramref name="key"/>; throws 429 <c>M_LIMIT_EXCEEDED</c> when none is left.</summary>
    public void Acquire(string policy, string key)
    {
        if (TryAcquire(policy, key, out var retryAfter))
            return;
        var error = MatrixException.LimitExceeded(retryAfter);
        HttpLog.RateLimited(_logger, policy, key, (long)error.RetryAfter!.Value.TotalMilliseconds);
        throw error;
    }

    public bool TryAcquire(string policy, string key, out TimeSpan retryAfter)
    {
        var limit = LimitOf(policy);
        retryAfter = TimeSpan.Zero;
        if (IsDisabled(limit))
            return true;

        var now = _time.GetTimestamp();
        SweepIfDue(now);
        while (true)
        {
            var bucket = _buckets.GetOrAdd((policy, key), static (_, state) => new TokenBucket(state.BurstCount, state.now), (limit.BurstCount, now));
            lock (bucket)
            {
                if (!bucket.Evicted)
                    return bucket.TryTake(limit, now, _time.TimestampFrequency, out retryAfter);
            }
        }
    }

    /// <summary>The bucket key of a request: its authenticated user, else its client address.</summary>
    public static string KeyFor(HttpContext context) =>
        context.FindRequestUser() is { } user
            ? "user:" + user.UserId
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    private RateLimitConfig LimitOf(string policy) => policy switch
    {
        RateLimitPolicies.Message => _config.RcMessage,
        RateLimitPolicies.Registration => _config.RcRegistration,
        RateLimitPolicies.LoginAddress => _config.RcLogin.Address,
        RateLimitPolicies.LoginAccount => _config.RcLogin.Account,
        RateLimitPolicies.LoginFailedAttempts => _config.RcLogin.FailedAttempts,
        RateLimitPolicies.MediaCreate => _config.RcMediaCreate,
        _ => throw new ArgumentException($"Unknown rate limit '{policy}'.", nameof(policy)),
    };

    private static bool IsDisabled(RateLimitConfig limit) => limit.PerSecond <= 0 || limit.BurstCount <= 0;

    private void SweepIfDue(long now)
    {
        if (now < Volatile.Read(ref _nextSweepAt) && _buckets.Count <= MaxBuckets)
            return;
        if (!_sweepLock.TryEnter())
            return;
        try
        {
            Volatile.Write(ref _nextSweepAt, now + ToTimestampUnits(SweepInterval));
            foreach (var (key, bucket) in _buckets)
            {
                var limit = LimitOf(key.Policy);
                TryEvict(key, bucket, b => IsDisabled(limit) || b.IsFull(limit, now, _time.TimestampFrequency));
            }
            var excess = _buckets.Count - MaxBuckets;
            if (excess > 0)
            {
                // Still too many active buckets (many clients at once): drop the least recently used,
                // down to 90% so that the next request does not sweep again.
                var toDrop = excess + MaxBuckets / 10;
                foreach (var (key, bucket) in _buckets.OrderBy(entry => entry.Value.UpdatedAt).Take(toDrop).ToList())
                    TryEvict(key, bucket, _ => true);
            }
        }
        finally
        {
            _sweepLock.Exit();
        }
    }

    private void TryEvict((string Policy, string Key) key, TokenBucket bucket, Func<TokenBucket, bool> shouldEvict)
    {
        lock (bucket)
        {
            if (bucket.Evicted || !shouldEvict(bucket))
                return;
            bucket.Evicted = true;
            _buckets.TryRemove(new KeyValuePair<(string, string), TokenBucket>(key, bucket));
        }
    }

    private long ToTimestampUnits(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
