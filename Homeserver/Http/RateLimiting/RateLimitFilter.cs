namespace Homeserver.Http.RateLimiting;

/// <summary>Endpoint filter taking a token of one rate limit before the handler runs.</summary>
public sealed class RateLimitFilter(string policy) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var limiter = context.HttpContext.RequestServices.GetRequiredService<RequestRateLimiter>();
        limiter.Acquire(policy, context.HttpContext);
        return next(context);
    }
}
