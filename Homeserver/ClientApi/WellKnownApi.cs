using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Microsoft.AspNetCore.Mvc;

namespace Homeserver.ClientApi;

/// <summary>
/// Server discovery: <c>/.well-known/matrix/client</c> (Client-Server base URL) and
/// <c>/.well-known/matrix/server</c> (federation delegation, only when <c>serve_server_wellknown</c> is set).
/// </summary>
public static class WellKnownApi
{
    public static IEndpointRouteBuilder MapWellKnownApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/.well-known/matrix/client", GetClient);
        routes.MapGet("/.well-known/matrix/server", GetServer);
        return routes;
    }

    /// <summary>
    /// <c>public_baseurl</c>, else <c>https://server_name/</c> as Synapse does. Never derived from the request's
    /// Host header, which the caller controls.
    /// </summary>
    public static Uri PublicBaseUrl(HomeserverConfig config)
    {
        var text = config.PublicBaseUrl ?? $"https://{config.ServerName}/";
        return Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
            ? url
            : throw new InvalidOperationException($"public_baseurl '{text}' is not an absolute http(s) URL.");
    }

    /// <summary>The <c>m.server</c> we delegate federation to: the public base URL's host, port 443 unless it names one.</summary>
    public static string DelegatedServerName(HomeserverConfig config)
    {
        var url = PublicBaseUrl(config);
        var port = url.IsDefaultPort ? 443 : url.Port;
        return url.Host + ":" + port.ToString(CultureInfo.InvariantCulture);
    }

    private static JsonObject GetClient([FromServices] HomeserverConfig config) => new()
    {
        ["m.homeserver"] = new JsonObject { ["base_url"] = PublicBaseUrl(config).ToString() },
    };

    private static JsonObject GetServer([FromServices] HomeserverConfig config)
    {
        if (!config.ServeServerWellknown)
            throw MatrixException.NotFound("This server does not delegate federation via .well-known.");
        return new JsonObject { ["m.server"] = DelegatedServerName(config) };
    }
}
