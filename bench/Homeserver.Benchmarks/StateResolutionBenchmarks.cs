using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.StateResolution;

namespace Homeserver.Benchmarks;

/// <summary>
/// State resolution of two forks of a room with <see cref="RoomSize"/> members. Each side changes
/// <see cref="ForkSize"/> state entries: side A a power levels event and display name changes,
/// side B a kick and other display name changes, so both power events and mainline-ordered events
/// are conflicted. The AuthCheck is a SIMPLIFIED rule set (create present, sender joined, event
/// and kick levels from the power levels), cheap but shaped like the real rules: it reads the
/// auth state's JSON the same way.
/// </summary>
[MemoryDiagnoser]
public class StateResolutionBenchmarks
{
    private const string Admin = "@admin:bench";
    private const string RoomId = "!bench:bench";

    [Params(100, 1_000, 10_000, 100_000)]
    public int RoomSize { get; set; }

    [Params(1, 16, 256)]
    public int ForkSize { get; set; }

    private readonly RoomVersion _version = RoomVersion.V10;
    private Dictionary<string, Pdu> _events = null!;
    private IReadOnlyList<IReadOnlyDictionary<TypeStateKey, string>> _stateSets = null!;
    private int _ts;

    [GlobalSetup]
    public void Setup()
    {
        _events = new Dictionary<string, Pdu>(RoomSize + 2 * ForkSize + 8, StringComparer.Ordinal);
        _ts = 0;
        var create = Add("$create", "m.room.create", "", Admin, new JsonObject { ["room_version"] = "10" }, []);
        var adminJoin = Add("$join-admin", "m.room.member", Admin, Admin, Membership("join"), [create]);
        var power = Add("$power-0", "m.room.power_levels", "", Admin,
            (JsonObject)JsonNode.Parse($$"""{"users": {"{{Admin}}": 100}, "state_default": 50, "kick": 50}""")!, [create, adminJoin]);
        var joinRules = Add("$join-rules", "m.room.join_rules", "", Admin, new JsonObject { ["join_rule"] = "public" }, [create, adminJoin, power]);

        var baseState = new Dictionary<TypeStateKey, string>();
        foreach (var id in new[] { create, adminJoin, power, joinRules }) baseState[_events[id].StateEntryKey] = id;
        for (var i = 0; i < RoomSize; i++)
        {
            var user = User(i);
            baseState[new("m.room.member", user)] = Add($"$join-{i}", "m.room.member", user, user, Membership("join"), [create, power, joinRules]);
        }

        // Side A: a power levels change, then display name changes by members 0, 2, 4, ...
        var sideA = new Dictionary<TypeStateKey, string>(baseState);
        var sideB = new Dictionary<TypeStateKey, string>(baseState);
        var newPower = Add("$power-a", "m.room.power_levels", "", Admin,
            (JsonObject)JsonNode.Parse($$"""{"users": {"{{Admin}}": 100, "{{User(1)}}": 50}, "state_default": 50, "kick": 50}""")!,
            [create, adminJoin, power]);
        sideA[new("m.room.power_levels", "")] = newPower;
        // Side B: a kick of the last member, then display name changes by members 1, 3, 5, ...
        var kicked = User(RoomSize - 1);
        sideB[new("m.room.member", kicked)] = Add("$kick", "m.room.member", kicked, Admin, Membership("leave"),
            [create, adminJoin, power, $"$join-{RoomSize - 1}"]);
        for (var n = 1; n < ForkSize; n++)
        {
            var (side, i) = n % 2 == 0 ? (sideA, n) : (sideB, n);
            if (i >= RoomSize - 1) break;
            var user = User(i);
            var content = Membership("join");
            content["displayname"] = $"renamed {i}";
            side[new("m.room.member", user)] = Add($"$rename-{i}", "m.room.member", user, user, content, [create, power, joinRules, $"$join-{i}"]);
        }
        _stateSets = [sideA, sideB];
    }

    [Benchmark]
    public int Resolve() =>
        StateResolver.Resolve(_version, _stateSets, id => _events.GetValueOrDefault(id), SimplifiedAuth).Count;

    private string Add(string id, string type, string stateKey, string sender, JsonObject content, string[] authEvents)
    {
        var json = new JsonObject
        {
            ["room_id"] = RoomId, ["type"] = type, ["state_key"] = stateKey, ["sender"] = sender, ["content"] = content,
            ["auth_events"] = new JsonArray(authEvents.Select(a => (JsonNode)JsonValue.Create(a)).ToArray()),
            ["prev_events"] = new JsonArray(), ["depth"] = (long)_ts, ["origin_server_ts"] = (long)_ts++,
        };
        _events[id] = Pdu.FromJson(json, _version, id);
        return id;
    }

    private static string User(int i) => $"@user{i}:bench";
    private static JsonObject Membership(string membership) => new() { ["membership"] = membership };

    /// <summary>A simplified rule set for benchmarking only; the real rules live in Authorization.</summary>
    private static AuthResult SimplifiedAuth(RoomVersion version, Pdu ev, IReadOnlyDictionary<TypeStateKey, Pdu> authState)
    {
        if (ev.Type == "m.room.create") return AuthResult.Allow;
        if (!authState.ContainsKey(new("m.room.create", ""))) return AuthResult.Reject("create", "no create event");
        var power = authState.GetValueOrDefault(new("m.room.power_levels", ""));
        long Level(string user) => Int((power?.Content["users"] as JsonObject)?[user]) ?? Int(power?.Content["users_default"]) ?? 0;
        string? MembershipOf(string user) =>
            authState.TryGetValue(new("m.room.member", user), out var m) ? m.Content["membership"]?.GetValue<string>() : null;

        var membership = ev.Type == "m.room.member" ? ev.Content["membership"]?.GetValue<string>() : null;
        if (membership == "join" && ev.Sender == ev.StateKey)
            return MembershipOf(ev.Sender) != "ban" ? AuthResult.Allow : AuthResult.Reject("join", "banned");
        if (MembershipOf(ev.Sender) != "join") return AuthResult.Reject("sender", "not joined");
        if (membership == "leave" && ev.Sender != ev.StateKey)
            return Level(ev.Sender) >= (Int(power?.Content["kick"]) ?? 50) && Level(ev.StateKey!) < Level(ev.Sender)
                ? AuthResult.Allow : AuthResult.Reject("kick", "power too low");
        var required = ev.IsState ? Int(power?.Content["state_default"]) ?? 50 : 0;
        return Level(ev.Sender) >= required ? AuthResult.Allow : AuthResult.Reject("level", "power too low");
    }

    private static long? Int(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out long l) ? l : null;
}
