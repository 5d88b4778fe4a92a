using Homeserver.Http;

namespace Homeserver.ClientApi;

public static class ClientBasicsEndpoints
{
    /// <summary>Maps the basic endpoints: versions, well-known discovery, whoami and the health check.</summary>
    public static IEndpointRouteBuilder MapClientBasics(this IEndpointRouteBuilder routes) =>
        routes.MapVersionsApi().MapWellKnownApi().MapAccountApi().MapHealthApi();
}
