using Homeserver.Federation.Http;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Signing;
using Homeserver.Federation.Transport;
using Homeserver.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;

namespace Homeserver.FederationApi;

/// <summary>
/// Runs after routing: for endpoints marked with <c>RequireFederationAuth()</c>, reads the body
/// (bounded, strictly parsed), checks the X-Matrix signature with the origin's key, the destination
/// (it must be this server) and the federation policy, before any handler sees the request.
/// Failures answer 401 <c>M_UNAUTHORIZED</c> (403 <c>M_FORBIDDEN</c> for a denied server).
/// </summary>
internal sealed class FederationAuthMiddleware(RequestDelegate next)
{
    /// <summary>Largest body of a signed request: a transaction holds up to 50 PDUs of 64 KiB and 100 EDUs.</summary>
    public const long MaxBodyBytes = 8L * 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequireFederationAuthMetadata>() is not null)
            FederationRequest.Store(context, await AuthenticateAsync(context));
        await next(context);
    }

    private static async Task<FederationRequest> AuthenticateAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var identity = services.GetRequiredService<ServerIdentity>();
        var header = context.Request.Headers.Authorization;
        XMatrixCredentials? credentials = null;
        foreach (var value in header)
            if (XMatrixAuthorization.TryParse(value, out var parsed))
            {
                credentials = parsed;
                break;
            }
        if (credentials is null)
            throw Unauthorized("Missing or malformed X-Matrix Authorization header.");
        if (credentials.Destination is { } destination && destination != identity.ServerName)
            throw Unauthorized($"This request is for {destination}, not for this server.");
        if (credentials.Origin == identity.ServerName || !Federation.Identifiers.ServerName.TryParse(credentials.Origin, out _))
            throw Unauthorized("Invalid origin.");
        if (!services.GetRequiredService<IFederationPolicy>().IsAllowed(credentials.Origin))
            throw MatrixException.Forbidden($"Federation with {credentials.Origin} is not allowed.");

        var body = HasBody(context.Request) ? await JsonBody.ReadObjectAsync(context.Request, MaxBodyBytes) : null;

        var keys = await services.GetRequiredService<IServerKeys>().GetVerifyKeysAsync(credentials.Origin, [credentials.KeyId],
            services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds(), context.RequestAborted);
        if (!keys.TryGetValue(credentials.KeyId, out var key))
            throw Unauthorized($"The key {credentials.KeyId} of {credentials.Origin} could not be found.");
        if (!XMatrixAuthorization.Verify(credentials, context.Request.Method, RequestTarget(context), identity.ServerName, body, key))
            throw Unauthorized("Invalid X-Matrix signature.");
        return new FederationRequest(credentials.Origin, body);
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    /// <summary>The target as sent (still escaped), which is what the origin signed.</summary>
    private static string RequestTarget(HttpContext context) =>
        context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw && raw.StartsWith('/')
            ? raw
            : context.Request.GetEncodedPathAndQuery();

    private static MatrixException Unauthorized(string message) => new(401, ErrorCodes.Unauthorized, message);
}
