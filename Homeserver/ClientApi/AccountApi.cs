using System.Text.Json.Serialization;
using Homeserver.Http.Auth;

namespace Homeserver.ClientApi;

/// <summary>Account endpoints: <c>GET /account/whoami</c> so far.</summary>
public static class AccountApi
{
    public static IEndpointRouteBuilder MapAccountApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group => group.MapGet("/account/whoami", WhoAmI).RequireMatrixAuth());
        return routes;
    }

    private static WhoAmIResponse WhoAmI(RequestUser user) => new(user.UserId, user.DeviceId, user.IsGuest);
}

public sealed record WhoAmIResponse(
    string UserId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeviceId,
    bool IsGuest);
