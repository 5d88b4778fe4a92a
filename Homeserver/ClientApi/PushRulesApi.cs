using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Push;
using Homeserver.Storage.Push;
using Homeserver.UserData;

namespace Homeserver.ClientApi;

/// <summary>
/// Push rules: <c>GET /pushrules/</c> and <c>/pushrules/global/</c> (the whole ruleset; only <c>global</c>
/// exists), and per rule <c>GET</c>/<c>PUT</c>/<c>DELETE /pushrules/global/{kind}/{ruleId}</c> with its
/// <c>/enabled</c> and <c>/actions</c>. Users add, order and delete their own rules; server-default rules
/// (ids starting with '.') can only be enabled, disabled or given other actions.
/// </summary>
public static class PushRulesApi
{
    public static IEndpointRouteBuilder MapPushRulesApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapGet("/pushrules/", GetAll).RequireMatrixAuth();
            group.MapGet("/pushrules/global/", GetGlobal).RequireMatrixAuth();
            group.MapGet("/pushrules/global/{kind}/{ruleId}", GetRule).RequireMatrixAuth();
            group.MapPut("/pushrules/global/{kind}/{ruleId}", PutRule).RequireMatrixAuth();
            group.MapDelete("/pushrules/global/{kind}/{ruleId}", DeleteRule).RequireMatrixAuth();
            group.MapGet("/pushrules/global/{kind}/{ruleId}/enabled", GetEnabled).RequireMatrixAuth();
            group.MapPut("/pushrules/global/{kind}/{ruleId}/enabled", PutEnabled).RequireMatrixAuth();
            group.MapGet("/pushrules/global/{kind}/{ruleId}/actions", GetActions).RequireMatrixAuth();
            group.MapPut("/pushrules/global/{kind}/{ruleId}/actions", PutActions).RequireMatrixAuth();
        });
        return routes;
    }

    private static async Task<JsonObject> GetAll(RequestUser user, PushRuleSets pushRules, HttpContext context) =>
        new() { ["global"] = await pushRules.GetGlobalAsync(user.UserId, context.RequestAborted) };

    private static Task<JsonObject> GetGlobal(RequestUser user, PushRuleSets pushRules, HttpContext context) =>
        pushRules.GetGlobalAsync(user.UserId, context.RequestAborted);

    private static Task<JsonObject> GetRule(string kind, string ruleId, RequestUser user, PushRuleSets pushRules, HttpContext context) =>
        pushRules.GetRuleAsync(user.UserId, kind, ruleId, context.RequestAborted);

    private static async Task<IResult> PutRule(string kind, string ruleId, string? before, string? after, RequestUser user, PushRuleSets pushRules,
        HttpRequest request)
    {
        PushRuleInput.CheckKind(kind);
        PushRuleInput.CheckUserRuleId(kind, ruleId);
        var body = PushRuleInput.ReadBody(kind, await JsonBody.ReadObjectAsync(request));
        await pushRules.PutAsync(user.UserId, kind, ruleId, body, new PushRulePlacement(NullIfEmpty(before), NullIfEmpty(after)),
            request.HttpContext.RequestAborted);
        return JsonResults.Empty;
    }

    private static async Task<IResult> DeleteRule(string kind, string ruleId, RequestUser user, PushRuleSets pushRules, HttpContext context)
    {
        await pushRules.DeleteAsync(user.UserId, kind, ruleId, context.RequestAborted);
        return JsonResults.Empty;
    }

    private static async Task<JsonObject> GetEnabled(string kind, string ruleId, RequestUser user, PushRuleSets pushRules, HttpContext context)
    {
        var rule = await pushRules.GetRuleAsync(user.UserId, kind, ruleId, context.RequestAborted);
        return new JsonObject { ["enabled"] = rule["enabled"]?.DeepClone() ?? false };
    }

    private static async Task<IResult> PutEnabled(string kind, string ruleId, RequestUser user, PushRuleSets pushRules, HttpRequest request)
    {
        var body = await JsonBody.ReadObjectAsync(request);
        if (!body.ContainsKey("enabled"))
            throw MatrixException.MissingParam("'enabled' is required.");
        if (body["enabled"] is not JsonValue value || !value.TryGetValue<bool>(out var enabled))
            throw MatrixException.BadJson("'enabled' must be a boolean.");
        await pushRules.SetEnabledAsync(user.UserId, kind, ruleId, enabled, request.HttpContext.RequestAborted);
        return JsonResults.Empty;
    }

    private static async Task<JsonObject> GetActions(string kind, string ruleId, RequestUser user, PushRuleSets pushRules, HttpContext context)
    {
        var rule = await pushRules.GetRuleAsync(user.UserId, kind, ruleId, context.RequestAborted);
        return new JsonObject { ["actions"] = rule["actions"]?.DeepClone() ?? new JsonArray() };
    }

    private static async Task<IResult> PutActions(string kind, string ruleId, RequestUser user, PushRuleSets pushRules, HttpRequest request)
    {
        var actions = PushRuleInput.ReadActions(await JsonBody.ReadObjectAsync(request));
        await pushRules.SetActionsAsync(user.UserId, kind, ruleId, actions, request.HttpContext.RequestAborted);
        return JsonResults.Empty;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
