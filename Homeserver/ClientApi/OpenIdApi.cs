using System.Text.Json.Nodes;
using Homeserver.Accounts;
using Homeserver.Federation.Http;
using Homeserver.Federation.Rooms;
using Homeserver.Http;
using Homeserver.Http.Auth;

namespace Homeserver.ClientApi;

/// <summary>
/// OpenID: <c>POST /user/{userId}/openid/request_token</c> for clients, and the federation API's
/// <c>GET /_matrix/federation/v1/openid/userinfo</c> that third-party services call to learn the token's user
/// (no request signing there: the token is the credential).
/// </summary>
public static class OpenIdApi
{
    public static IEndpointRouteBuilder MapOpenIdApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group => group.MapPost("/user/{userId}/openid/request_token", RequestToken).RequireMatrixAuth());
        routes.MapGet("/_matrix/federation/v1/openid/userinfo", UserInfo);
        return routes;
    }

    private static async Task<JsonObject> RequestToken(string userId, RequestUser user, OpenIdTokens tokens, ServerIdentity identity, HttpRequest request)
    {
        if (userId != user.UserId)
            throw MatrixException.Forbidden("You may only request OpenID tokens for yourself.");
        await JsonBody.ReadObjectAsync(request);
        var (token, expiresIn) = await tokens.IssueAsync(user.UserId, request.HttpContext.RequestAborted);
        return new JsonObject
        {
            ["access_token"] = token,
            ["token_type"] = "Bearer",
            ["matrix_server_name"] = identity.ServerName,
            ["expires_in"] = expiresIn,
        };
    }

    private static async Task<JsonObject> UserInfo(string? access_token, OpenIdTokens tokens, HttpContext context)
    {
        if (string.IsNullOrEmpty(access_token) || access_token.Length > 256
            || await tokens.FindUserAsync(access_token, context.RequestAborted) is not { } userId)
            throw MatrixException.UnknownToken(message: "Unknown or expired OpenID token.");
        return new JsonObject { ["sub"] = userId };
    }
}
