using System.Text;
using System.Text.Json.Nodes;

namespace Homeserver.Push;

/// <summary>
/// The spec's dot-separated property paths (appendix): <c>.</c> separates names, <c>\.</c> is a literal
/// dot and <c>\\</c> a literal backslash; any other backslash is kept as it is.
/// </summary>
public static class PropertyPath
{
    public static IReadOnlyList<string> Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var names = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c == '\\' && i + 1 < path.Length && path[i + 1] is '.' or '\\')
            {
                current.Append(path[++i]);
            }
            else if (c == '.')
            {
                names.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }
        names.Add(current.ToString());
        return names;
    }

    /// <summary>
    /// The value at the path; false when some name along it is absent or a step is not an object.
    /// A present JSON <c>null</c> is found (true) with a null value.
    /// </summary>
    public static bool TryGet(JsonObject root, string path, out JsonNode? value) => TryGet(root, Parse(path), out value);

    /// <summary>As <see cref="TryGet(JsonObject, string, out JsonNode?)"/>, for a path already <see cref="Parse"/>d.</summary>
    public static bool TryGet(JsonObject root, IReadOnlyList<string> names, out JsonNode? value)
    {
        value = null;
        JsonNode? node = root;
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(name, out var next))
                return false;
            node = next;
        }
        value = node;
        return true;
    }
}
