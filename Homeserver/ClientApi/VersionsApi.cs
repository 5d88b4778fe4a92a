namespace Homeserver.ClientApi;

/// <summary><c>GET /_matrix/client/versions</c>: the spec versions this server speaks.</summary>
public static class VersionsApi
{
    /// <summary>The historical r0 releases and every v1.x since the global versioning (v1.0 must not be listed).</summary>
    public static IReadOnlyList<string> SupportedVersions { get; } =
    [
        "r0.0.1", "r0.1.0", "r0.2.0", "r0.3.0", "r0.4.0", "r0.5.0", "r0.6.0", "r0.6.1",
        .. Enumerable.Range(1, 19).Select(minor => $"v1.{minor}"),
    ];

    /// <summary>Namespaced experimental features we advertise.</summary>
    public static IReadOnlyDictionary<string, bool> UnstableFeatures { get; } = new Dictionary<string, bool>
    {
        [DehydratedDeviceApi.UnstableFeature] = true,
    };

    public static IEndpointRouteBuilder MapVersionsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(ClientApiRoutes.Root + "/versions", GetVersions);
        return routes;
    }

    private static VersionsResponse GetVersions() => new(SupportedVersions, UnstableFeatures);
}

public sealed record VersionsResponse(IReadOnlyList<string> Versions, IReadOnlyDictionary<string, bool> UnstableFeatures);
