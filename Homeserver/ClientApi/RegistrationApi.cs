using Homeserver.Accounts;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.RateLimiting;
using Homeserver.Storage.Accounts;

namespace Homeserver.ClientApi;

/// <summary>Registration: <c>POST /register</c>, <c>GET /register/available</c> and registration token validity.</summary>
public static class RegistrationApi
{
    public static IEndpointRouteBuilder MapRegistrationApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapPost("/register", RegisterAsync).RequireRateLimit(RateLimitPolicies.Registration);
            group.MapGet("/register/available", AvailableAsync);
        });
        routes.MapGroup(ClientApiRoutes.V1)
            .MapGet("/register/m.login.registration_token/validity", TokenValidityAsync)
            .RequireRateLimit(RateLimitPolicies.Registration);
        return routes;
    }

    private static async Task<SessionResponse> RegisterAsync(HttpRequest request, RegistrationService registration, string? kind) =>
        await registration.RegisterAsync(request, kind, await JsonBody.ReadObjectAsync(request), request.HttpContext.RequestAborted);

    private static async Task<AvailableResponse> AvailableAsync(AccountService accounts, string? username, CancellationToken cancellationToken)
    {
        if (username is null)
            throw MatrixException.MissingParam("username is required.");
        await accounts.CheckAvailableAsync(username, cancellationToken);
        return new AvailableResponse(true);
    }

    private static async Task<ValidityResponse> TokenValidityAsync(
        HomeserverConfig config, IRegistrationTokenStore tokens, TimeProvider time, string? token, CancellationToken cancellationToken)
    {
        if (!config.EnableRegistration || !config.RegistrationRequiresToken)
            throw MatrixException.Forbidden("Registration with tokens is not enabled on this server.");
        if (string.IsNullOrEmpty(token))
            throw MatrixException.MissingParam("token is required.");
        var record = await tokens.FindAsync(token, cancellationToken);
        return new ValidityResponse(record?.IsValidAt(time.GetUtcNow().ToUnixTimeMilliseconds()) ?? false);
    }

    public sealed record AvailableResponse(bool Available);

    public sealed record ValidityResponse(bool Valid);
}
