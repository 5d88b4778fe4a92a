namespace Homeserver.ClientApi;

/// <summary>Path prefixes of the Client-Server API and the mapping of legacy r0 aliases.</summary>
public static class ClientApiRoutes
{
    public const string Root = "/_matrix/client";
    public const string V3 = Root + "/v3";
    public const string R0 = Root + "/r0";
    public const string V1 = Root + "/v1";

    /// <summary>
    /// Maps endpoints that the spec already had in r0 under both <c>/_matrix/client/v3</c> and the legacy
    /// <c>/_matrix/client/r0</c>, which older clients and tools still call. <paramref name="map"/> runs once
    /// per prefix, so conventions such as <c>RequireMatrixAuth()</c> apply to both.
    /// </summary>
    public static void MapV3WithR0(this IEndpointRouteBuilder routes, Action<RouteGroupBuilder> map)
    {
        map(routes.MapGroup(V3));
        map(routes.MapGroup(R0));
    }
}
