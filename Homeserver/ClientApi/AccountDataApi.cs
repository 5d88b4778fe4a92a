using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Storage.UserData;
using Homeserver.UserData;

namespace Homeserver.ClientApi;

/// <summary>
/// Account data: GET and PUT of <c>/user/{userId}/account_data/{type}</c> (global) and
/// <c>/user/{userId}/rooms/{roomId}/account_data/{type}</c> (per room), only for the requesting user.
/// Server-managed types (<c>m.fully_read</c>, <c>m.push_rules</c>) cannot be set (405 <c>M_BAD_JSON</c>);
/// the global <c>m.push_rules</c> reads as the user's push rules.
/// </summary>
public static class AccountDataApi
{
    public static IEndpointRouteBuilder MapAccountDataApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapGet("/user/{userId}/account_data/{type}", GetGlobal).RequireMatrixAuth();
            group.MapPut("/user/{userId}/account_data/{type}", PutGlobal).RequireMatrixAuth();
            group.MapGet("/user/{userId}/rooms/{roomId}/account_data/{type}", GetRoom).RequireMatrixAuth();
            group.MapPut("/user/{userId}/rooms/{roomId}/account_data/{type}", PutRoom).RequireMatrixAuth();
        });
        return routes;
    }

    private static async Task<IResult> GetGlobal(string userId, string type, RequestUser user, IAccountDataStore store, PushRuleSets pushRules, HttpContext context)
    {
        user.RequireSelf(userId, "the account data");
        AccountDataTypes.Check(type);
        if (type == AccountDataTypes.PushRules)
            return Results.Json(new System.Text.Json.Nodes.JsonObject { ["global"] = await pushRules.GetGlobalAsync(userId, context.RequestAborted) });
        return await GetAsync(userId, IAccountDataStore.GlobalRoomId, type, store, context.RequestAborted);
    }

    private static Task<IResult> GetRoom(string userId, string roomId, string type, RequestUser user, IAccountDataStore store, HttpContext context)
    {
        user.RequireSelf(userId, "the account data");
        UserPathChecks.RequireRoomId(roomId);
        AccountDataTypes.Check(type);
        return GetAsync(userId, roomId, type, store, context.RequestAborted);
    }

    private static Task<IResult> PutGlobal(string userId, string type, RequestUser user, IAccountDataStore store, HttpRequest request) =>
        PutAsync(userId, IAccountDataStore.GlobalRoomId, type, user, store, request);

    private static Task<IResult> PutRoom(string userId, string roomId, string type, RequestUser user, IAccountDataStore store, HttpRequest request)
    {
        UserPathChecks.RequireRoomId(roomId);
        return PutAsync(userId, roomId, type, user, store, request);
    }

    private static async Task<IResult> GetAsync(string userId, string roomId, string type, IAccountDataStore store, CancellationToken cancellationToken)
    {
        var content = await store.GetAsync(userId, roomId, type, cancellationToken)
            ?? throw MatrixException.NotFound("Account data not found.");
        return JsonResults.Raw(content);
    }

    private static async Task<IResult> PutAsync(string userId, string roomId, string type, RequestUser user, IAccountDataStore store, HttpRequest request)
    {
        user.RequireSelf(userId, "the account data");
        AccountDataTypes.Check(type);
        if (AccountDataTypes.IsServerManaged(type))
            throw new MatrixException(405, ErrorCodes.BadJson, $"Cannot set {type} through this API.");
        var content = await JsonBody.ReadObjectAsync(request);
        await store.SetAsync(userId, roomId, type, content.ToJsonString(), request.HttpContext.RequestAborted);
        return JsonResults.Empty;
    }
}
