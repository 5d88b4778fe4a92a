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
        // Refresh tokens arrived with v1.3, after r0.
        routes.MapGroup(ClientApiRoutes.V3).MapPost("/refresh", RefreshAsync);
        return routes;
    }

    private static LoginFlowsResponse LoginFlows() => new(LoginService.LoginTypes.Select(type => new LoginFlow(type)).ToList());

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

    private static async Task<RefreshResponse> RefreshAsync(HttpRequest request, DeviceSessions sessions)
    {
        var body = JsonBody.Bind<RefreshRequest>(await JsonBody.ReadObjectAsync(request));
        var issued = await sessions.RefreshAsync(body.RefreshToken, request.HttpContext.RequestAborted);
        return new RefreshResponse(issued.AccessToken, issued.RefreshToken!, issued.ExpiresInMs);
    }

    public sealed record LoginFlow(string Type);

    public sealed record LoginFlowsResponse(IReadOnlyList<LoginFlow> Flows);

    private sealed record RefreshRequest(string RefreshToken);

    public sealed record RefreshResponse(string AccessToken, string RefreshToken, long? ExpiresInMs);
}
