using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Tests.Protocol.StateResolution;

/// <summary>Reads <c>Vectors/state-resolution-v2.json</c> (see Vectors/README.md for its conventions).</summary>
internal static class StateResolutionVectors
{
    private static readonly Lazy<JsonObject> File = new(() =>
        (JsonObject)JsonNode.Parse(System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "state-resolution-v2.json")))!);

    public static IEnumerable<JsonObject> Cases => File.Value["cases"]!.AsArray().Cast<JsonObject>();
    public static IEnumerable<JsonObject> ComponentCases => File.Value["component_cases"]!.AsArray().Cast<JsonObject>();

    public static JsonObject Case(string name) => Cases.Single(c => (string)c["name"]! == name);
    public static JsonObject ComponentCase(string name) => ComponentCases.Single(c => (string)c["name"]! == name);

    public static TheoryData<string> CaseNames(string? kind = null)
    {
        var data = new TheoryData<string>();
        foreach (var c in kind is null ? Cases : ComponentCases.Where(c => (string)c["kind"]! == kind)) data.Add((string)c["name"]!);
        return data;
    }

    public static RoomVersion Version(JsonObject c) => RoomVersionRegistry.Find((string)c["room_version"]!)!;

    /// <summary>Events carry event_id for every room version; it is passed explicitly.</summary>
    public static Pdu ToPdu(JsonNode node, RoomVersion version) => Pdu.FromJson((JsonObject)node, version, (string)node["event_id"]!);

    /// <summary>A state map written as a list of <c>{type, state_key, event_id}</c>.</summary>
    public static Dictionary<TypeStateKey, string> StateMap(JsonNode list) =>
        list.AsArray().ToDictionary(e => new TypeStateKey((string)e!["type"]!, (string)e["state_key"]!), e => e!["event_id"]!.ToString());

    /// <summary>A graph written as node → list of nodes.</summary>
    public static Dictionary<string, IReadOnlyList<string>> Graph(JsonNode graph) =>
        graph.AsObject().ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value!.AsArray().Select(n => (string)n!).ToList());

    public static List<string> Strings(JsonNode list) => list.AsArray().Select(n => n!.ToString()).ToList();
}
