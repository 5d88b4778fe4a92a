using System.Reflection;
using System.Text.Json.Nodes;

namespace Homeserver.FederationApi;

/// <summary><c>GET /_matrix/federation/v1/version</c>: the implementation's name and version, unauthenticated.</summary>
public static class VersionFederationApi
{
    public const string ServerSoftware = "Messenger";

    /// <summary>The build's informational version without the commit suffix (<c>1.0.0</c>).</summary>
    public static string Version { get; } =
        (typeof(VersionFederationApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
        .Split('+')[0];

    public static IEndpointRouteBuilder MapVersionFederationApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/_matrix/federation/v1/version",
            () => new JsonObject { ["server"] = new JsonObject { ["name"] = ServerSoftware, ["version"] = Version } });
        return routes;
    }
}
