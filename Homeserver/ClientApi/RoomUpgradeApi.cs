using System.Text.Json.Nodes;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Rooms;

namespace Homeserver.ClientApi;

/// <summary><c>POST /rooms/{roomId}/upgrade</c> (see <see cref="RoomUpgrade"/>).</summary>
public static class RoomUpgradeApi
{
    public static IEndpointRouteBuilder MapRoomUpgradeApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group => group.MapPost("/rooms/{roomId}/upgrade", Upgrade).RequireMatrixAuth());
        return routes;
    }

    private static async Task<JsonObject> Upgrade(string roomId, RequestUser user, RoomUpgrade upgrade, HttpRequest request)
    {
        user.RequireNotGuest();
        UserPathChecks.RequireRoomId(roomId);
        var body = await JsonBody.ReadObjectAsync(request);
        var replacement = await upgrade.UpgradeAsync(user.UserId, roomId, body, request.HttpContext.RequestAborted);
        return new JsonObject { ["replacement_room"] = replacement };
    }
}
