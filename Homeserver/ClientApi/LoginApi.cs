using System.Text.Json.Serialization;
using Homeserver.Accounts;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Http.RateLimiting;

namespace Homeserver.ClientApi;

/// <summary>Sessions: <c>GET/POST /login</c>, <c>/logout</c>, <c>/logout/all</c> and <c>/refresh</c>.</summary>
public static class LoginApi
{
    public static IEndpointRouteBuilder MapLoginApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapGet("/login", LoginFlows);
            group.MapPost("/login", LoginAsync).RequireRateLimit(RateLimitPolicies.LoginAddress);
            group.MapPost("/logout", LogoutAsync).RequireMatrixAuth();
            group.MapPost("/logout/all", LogoutAllAsync).RequireMatrixAuth();
        });
        // Refresh tokens arrived with v1.3, after r0; login tokens with v1.7.
        routes.MapGroup(ClientApiRoutes.V3).MapPost("/refresh", RefreshAsync);
        routes.MapGroup(ClientApiRoutes.V1).MapPost("/login/get_token", GetLoginTokenAsync)
            .RequireMatrixAuth()
            .RequireRateLimit(RateLimitPolicies.LoginAccount);
        return routes;
    }

    private static LoginFlowsResponse LoginFlows() =>
        new(LoginService.LoginTypes.Select(type => new LoginFlow(type, type == AuthTypes.Token ? true : null)).ToList());

    private static async Task<SessionResponse> LoginAsync(HttpRequest request, LoginService login) =>
        await login.LoginAsync(await JsonBody.ReadObjectAsync(request), request.HttpContext.Connection.RemoteIpAddress?.ToString(),
            request.HttpContext.RequestAborted);

    private static async Task<EmptyResponse> LogoutAsync(RequestUser user, DeviceSessions sessions, CancellationToken cancellationToken)
    {
        if (user.DeviceId is { } deviceId)
            await sessions.DeleteDeviceAsync(user.UserId, deviceId, cancellationToken);
        return EmptyResponse.Instance;
    }

    private static async Task<EmptyResponse> LogoutAllAsync(RequestUser user, DeviceSessions sessions, CancellationToken cancellationToken)
    {
        await sessions.DeleteAllDevicesAsync(user.UserId, keepDeviceId: null, cancellationToken);
        return EmptyResponse.Instance;
    }

    /// <summary>A single-use login token for another client, after the user proved its password (every time, as the spec demands).</summary>
    private static async Task<LoginTokenResponse> GetLoginTokenAsync(HttpRequest request, RequestUser user, UserInteractiveAuth uia, LoginService login)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var body = await JsonBody.ReadObjectAsync(request);
        var outcome = await uia.AuthenticateAsync(request, body, [[AuthTypes.Password]], user.UserId, cancellationToken);
        var (token, expiresInMs) = await login.CreateLoginTokenAsync(user.UserId, cancellationToken);
        await uia.FinishAsync(outcome, cancellationToken);
        return new LoginTokenResponse(token, expiresInMs);
    }

    private static async Task<RefreshResponse> RefreshAsync(HttpRequest request, DeviceSessions sessions)
    {
        var body = JsonBody.Bind<RefreshRequest>(await JsonBody.ReadObjectAsync(request));
        var issued = await sessions.RefreshAsync(body.RefreshToken, request.HttpContext.RequestAborted);
        return new RefreshResponse(issued.AccessToken, issued.RefreshToken!, issued.ExpiresInMs);
    }

    public sealed record LoginFlow(
        string Type,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? GetLoginToken = null);

    public sealed record LoginTokenResponse(string LoginToken, long ExpiresInMs);

    public sealed record LoginFlowsResponse(IReadOnlyList<LoginFlow> Flows);

    private sealed record RefreshRequest(string RefreshToken);

    public sealed record RefreshResponse(string AccessToken, string RefreshToken, long? ExpiresInMs);
}
