using System.Text.Json.Nodes;

namespace Homeserver.Tests.Protocol;

/// <summary>Loads the external test vectors copied to the test output directory (see Vectors/README.md).</summary>
internal static class VectorFile
{
    private static readonly Dictionary<string, JsonNode> Cache = new();

    public static JsonNode Load(string fileName)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(fileName, out var node))
            {
                var path = Path.Combine(AppContext.BaseDirectory, "Vectors", fileName);
                node = JsonNode.Parse(File.ReadAllText(path))!;
                Cache[fileName] = node;
            }
            return node;
        }
    }

    /// <summary>The cases of a file: either the top-level array or its <c>cases</c> member.</summary>
    public static IEnumerable<JsonObject> Cases(string fileName)
    {
        var root = Load(fileName);
        var cases = root as JsonArray ?? root["cases"]!.AsArray();
        return cases.Select(c => c!.AsObject());
    }

    /// <summary>A fresh copy of one case, found by name (xunit theories pass only the name).</summary>
    public static JsonObject Case(string fileName, string name) =>
        Cases(fileName).Single(c => (string)c["name"]! == name).DeepClone().AsObject();

    public static TheoryData<string> Names(string fileName, Func<JsonObject, bool> filter)
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases(fileName).Where(filter)) data.Add((string)c["name"]!);
        return data;
    }
}
