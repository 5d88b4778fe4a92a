using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Tests.Protocol.StateResolution;

/// <summary>Builds small room graphs by hand for the state resolution tests.</summary>
internal sealed class TestRoom(RoomVersion version)
{
    public const string RoomId = "!room:example.com";
    public RoomVersion Version { get; } = version;
    public Dictionary<string, Pdu> Events { get; } = new(StringComparer.Ordinal);

    public Pdu Add(string id, string type, string stateKey, string sender, JsonObject content, string[] authEvents,
        string[] prevEvents, long depth, long ts = 0)
    {
        JsonNode Reference(string r) => Version.Rules.EventReferencesAreHashPairs ? new JsonArray(r, new JsonObject()) : JsonValue.Create(r);
        var json = new JsonObject
        {
            ["event_id"] = id,
            ["room_id"] = RoomId,
            ["type"] = type,
            ["state_key"] = stateKey,
            ["sender"] = sender,
            ["content"] = content,
            ["auth_events"] = new JsonArray(authEvents.Select(Reference).ToArray()),
            ["prev_events"] = new JsonArray(prevEvents.Select(Reference).ToArray()),
            ["depth"] = depth,
            ["origin_server_ts"] = ts,
        };
        // Round-trip through text so the event looks exactly like a received one.
        var pdu = Pdu.FromJson((JsonObject)JsonNode.Parse(json.ToJsonString())!, Version, id);
        Events[id] = pdu;
        return pdu;
    }

    public Pdu? Fetch(string id) => Events.GetValueOrDefault(id);

    /// <summary>A state map from event ids, keyed by each event's type and state key.</summary>
    public IReadOnlyDictionary<TypeStateKey, string> State(params string[] ids) =>
        ids.Select(id => Events[id]).ToDictionary(e => e.StateEntryKey, e => e.EventId);

    /// <summary>
    /// create, alice's join, power levels (alice 100, bob 50), public join rules, bob's and carol's
    /// joins: the common start of the hand-built tests.
    /// </summary>
    public static TestRoom WithMembers(RoomVersion version)
    {
        var room = new TestRoom(version);
        room.Add("$create:x", "m.room.create", "", Alice, new JsonObject { ["creator"] = Alice }, [], [], 1, 1);
        room.Add("$ima:x", "m.room.member", Alice, Alice, Join(), ["$create:x"], ["$create:x"], 2, 2);
        room.Add("$ipower:x", "m.room.power_levels", "", Alice,
            new JsonObject { ["users"] = new JsonObject { [Alice] = 100, [Bob] = 50 } }, ["$create:x", "$ima:x"], ["$ima:x"], 3, 3);
        room.Add("$ijr:x", "m.room.join_rules", "", Alice, new JsonObject { ["join_rule"] = "public" },
            ["$create:x", "$ima:x", "$ipower:x"], ["$ipower:x"], 4, 4);
        room.Add("$imb:x", "m.room.member", Bob, Bob, Join(), ["$create:x", "$ipower:x", "$ijr:x"], ["$ijr:x"], 5, 5);
        room.Add("$imc:x", "m.room.member", Carol, Carol, Join(), ["$create:x", "$ipower:x", "$ijr:x"], ["$imb:x"], 6, 6);
        return room;
    }

    public const string Alice = "@alice:x";
    public const string Bob = "@bob:x";
    public const string Carol = "@carol:x";

    public static JsonObject Join() => new() { ["membership"] = "join" };
}
