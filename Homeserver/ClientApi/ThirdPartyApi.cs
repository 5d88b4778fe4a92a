using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http.Auth;

namespace Homeserver.ClientApi;

/// <summary>
/// Third-party network look-ups (<c>/thirdparty/...</c>). Protocols come from bridges (application services), and this
/// server has none yet: no protocol is known, so protocol-specific look-ups are 404 and look-ups by Matrix id find nothing.
/// </summary>
public static class ThirdPartyApi
{
    public static IEndpointRouteBuilder MapThirdPartyApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapGet("/thirdparty/protocols", () => new JsonObject()).RequireMatrixAuth();
            group.MapGet("/thirdparty/protocol/{protocol}", (string protocol) => UnknownProtocol(protocol)).RequireMatrixAuth();
            group.MapGet("/thirdparty/location/{protocol}", (string protocol) => UnknownProtocol(protocol)).RequireMatrixAuth();
            group.MapGet("/thirdparty/user/{protocol}", (string protocol) => UnknownProtocol(protocol)).RequireMatrixAuth();
            group.MapGet("/thirdparty/location", (string? alias) => Lookup(alias, "alias")).RequireMatrixAuth();
            group.MapGet("/thirdparty/user", (string? userid) => Lookup(userid, "userid")).RequireMatrixAuth();
        });
        return routes;
    }

    private static JsonObject UnknownProtocol(string protocol) =>
        throw MatrixException.NotFound($"Unknown third-party protocol '{protocol}'.");

    private static JsonArray Lookup(string? value, string parameter) =>
        value is null ? throw MatrixException.MissingParam($"'{parameter}' is required.") : [];
}
