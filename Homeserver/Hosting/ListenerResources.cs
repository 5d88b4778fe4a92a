using Homeserver.Configuration;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Hosting;

/// <summary>
/// Which resources (client, federation, media, keys) each configured listener serves, and which resource a
/// request path belongs to. As in Synapse, <c>client</c> implies <c>media</c> and <c>federation</c> implies
/// <c>keys</c>. Requests that did not arrive through a configured listener (the in-memory test server)
/// are served every resource.
/// </summary>
public sealed class ListenerResources
{
    private static readonly (PathString Prefix, string Resource)[] PathResources =
    [
        // The authenticated media endpoints belong to the media resource, as in Synapse (checked before /_matrix/client).
        ("/_matrix/client/v1/media", ListenerResourceNames.Media),
        ("/_matrix/client", ListenerResourceNames.Client),
        ("/_synapse", ListenerResourceNames.Client),
        ("/_matrix/media", ListenerResourceNames.Media),
        ("/_matrix/federation", ListenerResourceNames.Federation),
        ("/_matrix/key", ListenerResourceNames.Keys),
    ];

    private readonly IReadOnlyList<HashSet<string>> _served;

    public ListenerResources(IReadOnlyList<ListenerConfig> listeners)
    {
        _served = listeners.Select(l => Expand(l.Resources)).ToList();
    }

    /// <summary>The resource a path belongs to, or null for paths every listener serves (such as <c>/.well-known</c>).</summary>
    public static string? ResourceOf(PathString path)
    {
        foreach (var (prefix, resource) in PathResources)
            if (path.StartsWithSegments(prefix, StringComparison.Ordinal))
                return resource;
        return null;
    }

    /// <summary>Whether the listener the request arrived on serves <paramref name="resource"/>.</summary>
    public bool Serves(HttpContext context, string resource) =>
        context.Features.Get<ListenerFeature>() is not { } feature ||
        feature.ListenerIndex < 0 || feature.ListenerIndex >= _served.Count ||
        _served[feature.ListenerIndex].Contains(resource);

    /// <summary>A listener's resources with the implied ones added.</summary>
    public static HashSet<string> Expand(IEnumerable<string> resources)
    {
        var set = new HashSet<string>(resources, StringComparer.Ordinal);
        if (set.Contains(ListenerResourceNames.Client)) set.Add(ListenerResourceNames.Media);
        if (set.Contains(ListenerResourceNames.Federation)) set.Add(ListenerResourceNames.Keys);
        return set;
    }
}
