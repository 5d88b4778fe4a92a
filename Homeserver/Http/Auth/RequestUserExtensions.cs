namespace Homeserver.Http.Auth;

public static class RequestUserExtensions
{
    /// <summary>The authenticated user of this request; only valid on endpoints that call <c>RequireMatrixAuth()</c>.</summary>
    public static RequestUser GetRequestUser(this HttpContext context) =>
        context.Features.Get<RequestUser>()
        ?? throw new InvalidOperationException(
            $"Endpoint '{context.GetEndpoint()?.DisplayName}' reads the request user but does not call RequireMatrixAuth().");

    /// <summary>The authenticated user, or null on endpoints without authentication.</summary>
    public static RequestUser? FindRequestUser(this HttpContext context) => context.Features.Get<RequestUser>();

    internal static void SetRequestUser(this HttpContext context, RequestUser user) => context.Features.Set(user);
}
