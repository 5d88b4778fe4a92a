using System.Net;
using Homeserver.Configuration;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Hosting;

/// <summary>
/// On listeners with <c>x_forwarded: true</c>, replaces the connection's client address with the last
/// <c>X-Forwarded-For</c> entry and the request scheme with <c>X-Forwarded-Proto</c>. The last entry is the
/// one the trusted proxy appended; earlier entries come from the client and could be forged.
/// </summary>
public sealed class ForwardedClientMiddleware(RequestDelegate next, HomeserverConfig config)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<ListenerFeature>() is { } feature &&
            feature.ListenerIndex >= 0 && feature.ListenerIndex < config.Listeners.Count &&
            config.Listeners[feature.ListenerIndex].XForwarded)
            Apply(context);
        return next(context);
    }

    private static void Apply(HttpContext context)
    {
        var forwardedFor = LastEntry(context.Request.Headers["X-Forwarded-For"]);
        if (forwardedFor is not null && IPEndPoint.TryParse(forwardedFor, out var endpoint))
            context.Connection.RemoteIpAddress = endpoint.Address;
        var scheme = LastEntry(context.Request.Headers["X-Forwarded-Proto"]);
        if (scheme is "http" or "https") context.Request.Scheme = scheme;
    }

    private static string? LastEntry(Microsoft.Extensions.Primitives.StringValues values) =>
        string.Join(',', values.ToArray()).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
}
