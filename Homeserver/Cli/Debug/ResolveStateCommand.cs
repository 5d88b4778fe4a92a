using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.StateResolution;

namespace Homeserver.Cli.Debug;

/// <summary>
/// <c>debug resolve-state --room-version V</c>: reads
/// <c>{"state_sets": [[{"type", "state_key", "event_id"}, ...], ...], "events": [...]}</c> on
/// standard input (events carry their <c>event_id</c>) and prints the resolved state as
/// <c>{type: {state_key: event_id}}</c>. Bad input gives one line on standard error and exit code 2.
/// </summary>
public static class ResolveStateCommand
{
    public const string Name = "resolve-state";
    public const string Summary = "--room-version V < {state_sets, events}: print the resolved state";

    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, AuthCheck authCheck)
    {
        try
        {
            var version = ParseArguments(args);
            var input = JsonNode.Parse(stdin.ReadToEnd(), NodeOptions, DocumentOptions) as JsonObject
                ?? throw new InputException("input must be a JSON object");
            var events = ReadEvents(input["events"], version);
            var stateSets = ReadStateSets(input["state_sets"]);

            var resolved = StateResolver.Resolve(version, stateSets, id => events.GetValueOrDefault(id), authCheck);
            stdout.WriteLine(Render(resolved).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }
        catch (Exception e) when (e is InputException or JsonException or PduFormatException or InvalidOperationException or FormatException or ArgumentException)
        {
            stderr.WriteLine($"error: {OneLine(e.Message)}");
            return 2;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"error: resolution failed: {OneLine(e.Message)}");
            return 1;
        }
    }

    private static RoomVersion ParseArguments(string[] args)
    {
        RoomVersion? version = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] != "--room-version") throw new InputException($"unknown argument '{args[i]}' (usage: {Name} {Summary})");
            if (i + 1 >= args.Length) throw new InputException("--room-version needs a value");
            version = RoomVersionRegistry.Find(args[++i]) ?? throw new InputException($"unknown room version '{args[i]}'");
        }
        return version ?? throw new InputException("--room-version is required");
    }

    private static Dictionary<string, Pdu> ReadEvents(JsonNode? node, RoomVersion version)
    {
        if (node is not JsonArray array) throw new InputException("'events' must be an array");
        var events = new Dictionary<string, Pdu>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject json) throw new InputException($"events[{i}] must be an object");
            var id = RequiredString(json, "event_id", $"events[{i}]");
            var pdu = Pdu.FromJson(json, version, id);
            if (!events.TryAdd(id, pdu)) throw new InputException($"event {id} appears twice");
        }
        return events;
    }

    private static List<IReadOnlyDictionary<TypeStateKey, string>> ReadStateSets(JsonNode? node)
    {
        if (node is not JsonArray sets) throw new InputException("'state_sets' must be an array");
        var result = new List<IReadOnlyDictionary<TypeStateKey, string>>(sets.Count);
        for (var s = 0; s < sets.Count; s++)
        {
            if (sets[s] is not JsonArray entries) throw new InputException($"state_sets[{s}] must be an array");
            var map = new Dictionary<TypeStateKey, string>();
            for (var e = 0; e < entries.Count; e++)
            {
                var where = $"state_sets[{s}][{e}]";
                if (entries[e] is not JsonObject entry) throw new InputException($"{where} must be an object");
                var key = new TypeStateKey(RequiredString(entry, "type", where), RequiredString(entry, "state_key", where));
                if (!map.TryAdd(key, RequiredString(entry, "event_id", where)))
                    throw new InputException($"{where}: {key} appears twice in one state set");
            }
            result.Add(map);
        }
        return result;
    }

    private static JsonObject Render(IReadOnlyDictionary<TypeStateKey, string> state)
    {
        var output = new JsonObject();
        foreach (var group in state.GroupBy(entry => entry.Key.Type).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var byStateKey = new JsonObject();
            foreach (var (key, id) in group.OrderBy(entry => entry.Key.StateKey, StringComparer.Ordinal)) byStateKey[key.StateKey] = id;
            output[group.Key] = byStateKey;
        }
        return output;
    }

    private static string RequiredString(JsonObject json, string name, string where) =>
        json[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : throw new InputException($"{where}.{name} must be a string");

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    private sealed class InputException(string message) : Exception(message);
}
