using System.Text.Json.Nodes;
using Homeserver.Http.Auth;
using Homeserver.Spaces;

namespace Homeserver.ClientApi;

/// <summary>
/// <c>GET /_matrix/client/v1/room_summary/{roomIdOrAlias}</c> (see <see cref="RoomSummaries"/>). Authentication is
/// optional, as the spec allows: without an access token only world-readable, public and knockable rooms are summarised.
/// The <c>via</c> servers would be asked over federation, which this server does not speak yet, so they are not used.
/// </summary>
public static class RoomSummaryApi
{
    public static IEndpointRouteBuilder MapRoomSummaryApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup(ClientApiRoutes.V1).MapGet("/room_summary/{roomIdOrAlias}", GetSummary);
        return routes;
    }

    private static async Task<JsonObject> GetSummary(string roomIdOrAlias, RoomSummaries summaries, AccessTokenAuthenticator authenticator, HttpRequest request)
    {
        var user = await authenticator.AuthenticateIfPresentAsync(request, request.HttpContext.RequestAborted);
        return await summaries.GetAsync(user?.UserId, roomIdOrAlias, request.HttpContext.RequestAborted);
    }
}
