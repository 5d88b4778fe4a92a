using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Cli;

/// <summary>
/// The <c>routes</c> command: every mapped endpoint's HTTP methods and route pattern, as JSON
/// (<c>[{"method": "GET", "path": "/_matrix/client/v3/sync"}, ...]</c>), for the spec coverage report.
/// </summary>
public static class RouteTable
{
    public static Task<int> WriteAsync(WebApplication app, string? output, TextWriter stdout) =>
        WriteAsync(((IEndpointRouteBuilder)app).DataSources, output, stdout);

    public static async Task<int> WriteAsync(IEnumerable<EndpointDataSource> sources, string? output, TextWriter stdout)
    {
        var routes = new JsonArray();
        var endpoints = sources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>();
        foreach (var endpoint in endpoints.OrderBy(e => e.RoutePattern.RawText, StringComparer.Ordinal))
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"];
            foreach (var method in methods)
                routes.Add(new JsonObject { ["method"] = method, ["path"] = "/" + endpoint.RoutePattern.RawText?.TrimStart('/') });
        }
        var json = routes.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        if (output is null or "-") await stdout.WriteLineAsync(json);
        else await File.WriteAllTextAsync(output, json + "\n");
        return 0;
    }
}
