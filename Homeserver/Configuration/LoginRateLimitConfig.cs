namespace Homeserver.Configuration;

/// <summary>Synapse's <c>rc_login</c>: limits per client address, per account and per failed attempt.</summary>
public sealed class LoginRateLimitConfig
{
    public RateLimitConfig Address { get; set; } = new() { PerSecond = 0.003, BurstCount = 5 };
    public RateLimitConfig Account { get; set; } = new() { PerSecond = 0.003, BurstCount = 5 };
    public RateLimitConfig FailedAttempts { get; set; } = new() { PerSecond = 0.17, BurstCount = 3 };
}
