using System.Text.Json.Nodes;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Storage.UserData;
using Homeserver.UserData;

namespace Homeserver.ClientApi;

/// <summary>
/// Room tags: <c>GET /user/{userId}/rooms/{roomId}/tags</c> and PUT/DELETE of <c>.../tags/{tag}</c>, stored as
/// the room's <c>m.tag</c> account data (so sync delivers them), only for the requesting user.
/// </summary>
public static class TagsApi
{
    public static IEndpointRouteBuilder MapTagsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapGet("/user/{userId}/rooms/{roomId}/tags", GetTags).RequireMatrixAuth();
            group.MapPut("/user/{userId}/rooms/{roomId}/tags/{tag}", PutTag).RequireMatrixAuth();
            group.MapDelete("/user/{userId}/rooms/{roomId}/tags/{tag}", DeleteTag).RequireMatrixAuth();
        });
        return routes;
    }

    private static async Task<JsonObject> GetTags(string userId, string roomId, RequestUser user, IAccountDataStore store, HttpContext context)
    {
        CheckPath(user, userId, roomId);
        var content = await store.GetAsync(userId, roomId, AccountDataTypes.Tag, context.RequestAborted);
        return new JsonObject { ["tags"] = RoomTags.Read(content) };
    }

    private static async Task<IResult> PutTag(string userId, string roomId, string tag, RequestUser user, IAccountDataStore store, HttpRequest request)
    {
        CheckPath(user, userId, roomId);
        RoomTags.CheckName(tag);
        var tagInfo = await JsonBody.ReadObjectAsync(request);
        RoomTags.CheckInfo(tagInfo);
        await store.UpdateAsync(userId, roomId, AccountDataTypes.Tag, current => RoomTags.WithTag(current, tag, tagInfo), request.HttpContext.RequestAborted);
        return JsonResults.Empty;
    }

    private static async Task<IResult> DeleteTag(string userId, string roomId, string tag, RequestUser user, IAccountDataStore store, HttpContext context)
    {
        CheckPath(user, userId, roomId);
        RoomTags.CheckName(tag);
        await store.UpdateAsync(userId, roomId, AccountDataTypes.Tag, current => RoomTags.WithoutTag(current, tag), context.RequestAborted);
        return JsonResults.Empty;
    }

    private static void CheckPath(RequestUser user, string userId, string roomId)
    {
        user.RequireSelf(userId, "the room tags");
        UserPathChecks.RequireRoomId(roomId);
    }
}
