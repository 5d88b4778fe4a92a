using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Http.Auth;
using Homeserver.Voip;

namespace Homeserver.ClientApi;

/// <summary><c>GET /voip/turnServer</c>: TURN credentials for calls (see <see cref="TurnCredentials"/>).</summary>
public static class VoipApi
{
    public static IEndpointRouteBuilder MapVoipApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group => group.MapGet("/voip/turnServer", TurnServer).RequireMatrixAuth());
        return routes;
    }

    private static JsonObject TurnServer(RequestUser user, TurnCredentials turn, HomeserverConfig config)
    {
        if (user.IsGuest && !config.TurnAllowGuests)
            throw MatrixException.Forbidden("Guests may not use the TURN server.");
        return turn.For(user.UserId);
    }
}
