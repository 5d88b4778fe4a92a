using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;

namespace Homeserver.Tests.Http;

/// <summary>
/// Kestrel hands the request target on exactly as the client sent it (still escaped); the in-memory
/// TestServer does not, so a test client that needs it (X-Matrix signs the raw target) names it in
/// the <see cref="HeaderName"/> header and this first middleware puts it where Kestrel would.
/// </summary>
internal sealed class RawTargetFromHeader : IStartupFilter
{
    public const string HeaderName = "X-Test-Raw-Target";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Headers.TryGetValue(HeaderName, out var target) && context.Features.Get<IHttpRequestFeature>() is { } feature)
                feature.RawTarget = target.ToString();
            return nextMiddleware(context);
        });
        next(app);
    };
}
