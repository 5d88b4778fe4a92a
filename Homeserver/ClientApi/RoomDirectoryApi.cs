using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Rooms;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Rooms;

namespace Homeserver.ClientApi;

/// <summary>
/// Room aliases (see <see cref="RoomDirectory"/>): <c>PUT</c>, <c>GET</c> and <c>DELETE /directory/room/{roomAlias}</c>
/// and <c>GET /rooms/{roomId}/aliases</c>. Resolving an alias needs no access token, as the spec says.
/// </summary>
public static class RoomDirectoryApi
{
    public static IEndpointRouteBuilder MapRoomDirectoryApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapPut("/directory/room/{roomAlias}", PutAlias).RequireMatrixAuth();
            group.MapGet("/directory/room/{roomAlias}", GetAlias);
            group.MapDelete("/directory/room/{roomAlias}", DeleteAlias).RequireMatrixAuth();
            group.MapGet("/rooms/{roomId}/aliases", ListAliases).RequireMatrixAuth();
        });
        return routes;
    }

    private static async Task<IResult> PutAlias(string roomAlias, RequestUser user, RoomDirectory directory, HttpRequest request)
    {
        user.RequireNotGuest();
        var body = await JsonBody.ReadObjectAsync(request);
        var roomId = body["room_id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw MatrixException.BadJson("room_id must be a string.");
        await directory.CreateAsync(user.UserId, roomAlias, roomId, request.HttpContext.RequestAborted);
        return JsonResults.Empty;
    }

    private static async Task<JsonObject> GetAlias(string roomAlias, RoomDirectory directory, HttpContext context)
    {
        var resolved = await directory.ResolveWithServersAsync(roomAlias, context.RequestAborted);
        return new JsonObject { ["room_id"] = resolved.RoomId, ["servers"] = new JsonArray([.. resolved.Servers.Select(s => JsonValue.Create(s))]) };
    }

    private static async Task<IResult> DeleteAlias(string roomAlias, RequestUser user, RoomDirectory directory, HttpContext context)
    {
        user.RequireNotGuest();
        await directory.DeleteAsync(user.UserId, roomAlias, context.RequestAborted);
        return JsonResults.Empty;
    }

    private static async Task<JsonObject> ListAliases(string roomId, RequestUser user, RoomDirectory directory, HttpContext context)
    {
        UserPathChecks.RequireRoomId(roomId);
        var aliases = await directory.ListAsync(user.UserId, roomId, context.RequestAborted);
        return new JsonObject { ["aliases"] = new JsonArray([.. aliases.Select(a => (JsonNode)JsonValue.Create(a))]) };
    }
}
