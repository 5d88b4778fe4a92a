using Homeserver.Configuration;

namespace Homeserver.Http.RateLimiting;

/// <summary>
/// One token bucket: holds up to <see cref="RateLimitConfig.BurstCount"/> tokens, refilled continuously at
/// <see cref="RateLimitConfig.PerSecond"/>; each request takes one. Not thread-safe: callers lock it.
/// </summary>
internal sealed class TokenBucket(double tokens, long timestamp)
{
    // Tolerance for floating-point refill arithmetic (0.2 tokens/s for 5 s must make a whole token).
    private const double Epsilon = 1e-9;

    private double _tokens = tokens;

    /// <summary>When the bucket was last refilled or taken from, in <see cref="TimeProvider"/> timestamp units.</summary>
    public long UpdatedAt { get; private set; } = timestamp;

    /// <summary>Set when the limiter drops the bucket; a caller holding a stale reference looks it up again.</summary>
    public bool Evicted { get; set; }

    public bool TryTake(RateLimitConfig limit, long now, long frequency, out TimeSpan retryAfter)
    {
        Refill(limit, now, frequency);
        if (_tokens >= 1 - Epsilon)
        {
            _tokens = Math.Max(0, _tokens - 1);
            retryAfter = TimeSpan.Zero;
            return true;
        }
        retryAfter = TimeSpan.FromSeconds((1 - _tokens) / limit.PerSecond);
        return false;
    }

    /// <summary>A full bucket behaves exactly like a new one, so dropping it loses nothing.</summary>
    public bool IsFull(RateLimitConfig limit, long now, long frequency)
    {
        Refill(limit, now, frequency);
        return _tokens >= limit.BurstCount - Epsilon;
    }

    private void Refill(RateLimitConfig limit, long now, long frequency)
    {
        if (now <= UpdatedAt)
            return;
        var elapsedSeconds = (now - UpdatedAt) / (double)frequency;
        _tokens = Math.Min(limit.BurstCount, _tokens + elapsedSeconds * limit.PerSecond);
        UpdatedAt = now;
    }
}
