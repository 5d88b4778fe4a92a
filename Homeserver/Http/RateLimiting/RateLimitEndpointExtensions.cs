namespace Homeserver.Http.RateLimiting;

public static class RateLimitEndpointExtensions
{
    /// <summary>Rate-limits the endpoint with the named limit (see <see cref="RateLimitPolicies"/>).</summary>
    public static TBuilder RequireRateLimit<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(new RateLimitFilter(policy));
}
