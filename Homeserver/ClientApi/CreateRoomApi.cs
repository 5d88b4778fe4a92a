using System.Text.Json.Nodes;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Rooms;

namespace Homeserver.ClientApi;

/// <summary><c>POST /createRoom</c> (see <see cref="RoomCreation"/>).</summary>
public static class CreateRoomApi
{
    public static IEndpointRouteBuilder MapCreateRoomApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group => group.MapPost("/createRoom", CreateRoom).RequireMatrixAuth());
        return routes;
    }

    private static async Task<JsonObject> CreateRoom(RequestUser user, RoomCreation creation, HttpRequest request)
    {
        user.RequireNotGuest();
        var body = await JsonBody.ReadObjectAsync(request);
        var roomId = await creation.CreateAsync(user.UserId, body, request.HttpContext.RequestAborted);
        return new JsonObject { ["room_id"] = roomId };
    }
}
