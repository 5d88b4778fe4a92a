using System.Text.Json;
using Homeserver.Http.Auth;
using Homeserver.Http.RateLimiting;
using Homeserver.Storage.Accounts;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Homeserver.Http;

/// <summary>Registers and wires the Matrix HTTP layer: errors, CORS, authentication, rate limits, JSON.</summary>
public static class MatrixHttpExtensions
{
    /// <summary>
    /// Registers the HTTP layer's services. Needs <c>HomeserverConfig</c> and <c>IAccessTokenStore</c> registered
    /// in the container (read when first used, so tests can replace them).
    /// </summary>
    public static IServiceCollection AddMatrixHttp(this IServiceCollection services, Action<MatrixHttpOptions>? configure = null)
    {
        var options = new MatrixHttpOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RequestRateLimiter>();
        services.TryAddSingleton<Federation.Transport.IFederationPolicy, Federation.Transport.AllowAllFederationPolicy>();
        // A factory, so a host without a token store yet still starts; only authenticated endpoints need one.
        services.TryAddScoped(provider => new AccessTokenAuthenticator(
            provider.GetRequiredService<IAccessTokenStore>(),
            provider.GetRequiredService<TimeProvider>()));

        // Parameter binding failures throw BadHttpRequestException, which the error middleware turns into Matrix errors.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // ASP.NET logs each request's full URL at Information, which would leak tokens sent in the deprecated
        // access_token query parameter; our own logs name method and path only.
        services.Configure<LoggerFilterOptions>(o => o.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning));
        // Matrix JSON is snake_case throughout.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        return services;
    }

    /// <summary>
    /// Adds the middleware in order: CORS (outermost, so every answer has its headers), Matrix errors,
    /// routing, then access-token or X-Matrix authentication for endpoints that require it.
    /// </summary>
    public static WebApplication UseMatrixHttp(this WebApplication app)
    {
        app.UseMiddleware<MatrixCorsMiddleware>();
        app.UseMiddleware<MatrixErrorMiddleware>();
        app.UseRouting();
        app.UseMiddleware<EscapedSlashRouteValues>();
        app.UseMiddleware<MatrixAuthMiddleware>();
        app.UseMiddleware<FederationApi.FederationAuthMiddleware>();
        return app;
    }
}
