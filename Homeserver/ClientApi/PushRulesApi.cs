using System.Text.Json.Nodes;
using Homeserver.Http.Auth;
using Homeserver.UserData;

namespace Homeserver.ClientApi;

/// <summary>
/// Push rules: <c>GET /pushrules/</c> (all rulesets; only <c>global</c> exists) and <c>GET /pushrules/global/</c>,
/// the server-default rules with the user's changes applied.
/// </summary>
public static class PushRulesApi
{
    public static IEndpointRouteBuilder MapPushRulesApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapGet("/pushrules/", GetAll).RequireMatrixAuth();
            group.MapGet("/pushrules/global/", GetGlobal).RequireMatrixAuth();
        });
        return routes;
    }

    private static async Task<JsonObject> GetAll(RequestUser user, PushRuleSets pushRules, HttpContext context) =>
        new() { ["global"] = await pushRules.GetGlobalAsync(user.UserId, context.RequestAborted) };

    private static Task<JsonObject> GetGlobal(RequestUser user, PushRuleSets pushRules, HttpContext context) =>
        pushRules.GetGlobalAsync(user.UserId, context.RequestAborted);
}
