namespace Homeserver.Configuration;

/// <summary>A token bucket: <see cref="PerSecond"/> refill rate, <see cref="BurstCount"/> capacity.</summary>
public sealed class RateLimitConfig
{
    public double PerSecond { get; set; }
    public int BurstCount { get; set; }
}
