using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;

namespace Homeserver.Tests.Protocol.Authorization;

/// <summary>
/// Builds the PDUs of one test room and keeps its current state. Events are real, signed PDUs:
/// content hash and signature of the sender's server (a fixed test key per server), event ids
/// from the reference hash (v3+) or <c>$n:server</c> (v1–v2), prev_events of the previous event
/// and auth_events chosen by <see cref="AuthEventSelection"/> from the current state.
/// All event construction goes through <see cref="Build"/>.
/// </summary>
public sealed class TestRoomBuilder
{
    public const string Alice = "@alice:a.test";
    public const string Bob = "@bob:b.test";
    public const string Carol = "@carol:c.test";
    public const string Dave = "@dave:a.test";

    private static readonly ConcurrentDictionary<string, SigningKey> ServerKeys = new();

    private int _counter;

    /// <summary>A fixed signing key per test server (seeded from its name, so runs are reproducible).</summary>
    public static SigningKey KeyOf(string serverName) => ServerKeys.GetOrAdd(serverName,
        name => SigningKey.FromSeed("test", SHA256.HashData(Encoding.UTF8.GetBytes(name))));

    public TestRoomBuilder(RoomVersion version, string creator = Alice, JsonObject? createContent = null)
    {
        Version = version;
        var content = createContent ?? DefaultCreateContent(version, creator);
        RoomId = version.Rules.RoomIdIsCreateEventHash ? "" : "!room:" + UserIdSyntax.ServerOf(creator);
        Create = Add(AuthStateKeys.CreateType, creator, content, stateKey: "");
        if (version.Rules.RoomIdIsCreateEventHash) RoomId = Create.RoomId;
    }

    public RoomVersion Version { get; }
    public string RoomId { get; private set; }
    public Pdu Create { get; }
    public Dictionary<TypeStateKey, Pdu> State { get; } = new();
    public Pdu? Last { get; private set; }

    /// <summary>A room whose creator has joined, with power levels (users at the given levels) and a join rule.</summary>
    public static TestRoomBuilder WithMembers(RoomVersion version, string joinRule = "public", IReadOnlyDictionary<string, long>? levels = null,
        params string[] members)
    {
        var room = new TestRoomBuilder(version);
        room.Join(Alice);
        room.PowerLevels(Alice, PowerLevelsContent(version, levels ?? new Dictionary<string, long> { [Alice] = 100 }));
        room.JoinRules(Alice, joinRule);
        foreach (var member in members) room.Member(member, member, "join");
        return room;
    }

    /// <summary>Power levels content with the given users (v12 creators are left out, as the rules require).</summary>
    public static JsonObject PowerLevelsContent(RoomVersion version, IReadOnlyDictionary<string, long> users)
    {
        var map = new JsonObject();
        foreach (var (user, level) in users)
            if (!(version.Rules.CreatorsHaveInfinitePower && user == Alice))
                map[user] = level;
        return new JsonObject { ["users"] = map };
    }

    public static JsonObject DefaultCreateContent(RoomVersion version, string creator)
    {
        var content = new JsonObject { ["room_version"] = version.Id };
        if (!version.Rules.CreatorIsCreateEventSender) content["creator"] = creator;
        return content;
    }

    /// <summary>
    /// Builds one event of this room without adding it to the state. The one place events are
    /// constructed; <paramref name="customize"/> can change the JSON before it becomes a PDU.
    /// </summary>
    public Pdu Build(string type, string sender, JsonObject content, string? stateKey = null,
        IReadOnlyList<string>? prevEvents = null, Action<JsonObject>? customize = null)
    {
        var isCreate = type == AuthStateKeys.CreateType && stateKey == "" && _counter == 0;
        var n = ++_counter;
        var opaqueId = Version.Rules.EventIdFormat == EventIdFormat.Opaque ? $"${n}:{UserIdSyntax.ServerOf(sender)}" : null;
        var prev = prevEvents ?? (Last is null ? [] : [Last.EventId]);
        var auth = isCreate ? [] : AuthEventSelection.Select(Version, type, stateKey, sender, content)
            .Where(State.ContainsKey).Select(k => State[k].EventId).ToList();

        var json = new JsonObject
        {
            ["type"] = type,
            ["sender"] = sender,
            ["content"] = content.DeepClone(),
            ["prev_events"] = References(prev),
            ["auth_events"] = References(auth),
            ["depth"] = (long)n,
            ["origin_server_ts"] = 1_700_000_000_000L + n,
        };
        if (!(isCreate && Version.Rules.RoomIdIsCreateEventHash)) json["room_id"] = RoomId;
        if (stateKey is not null) json["state_key"] = stateKey;
        if (opaqueId is not null) json["event_id"] = opaqueId;
        customize?.Invoke(json);
        EventSigner.SignPdu(json, Version, UserIdSyntax.ServerOf(sender), KeyOf(UserIdSyntax.ServerOf(sender)));
        return Pdu.FromJson(json, Version, opaqueId ?? EventIds.Compute(json, Version));
    }

    /// <summary>Builds an event and makes it current state (no auth check: the caller arranges the room).</summary>
    public Pdu Add(string type, string sender, JsonObject content, string? stateKey = null)
    {
        var pdu = Build(type, sender, content, stateKey);
        if (pdu.StateKey is not null) State[pdu.StateEntryKey] = pdu;
        Last = pdu;
        return pdu;
    }

    public Pdu Join(string user) => Member(user, user, "join");

    public Pdu Member(string sender, string target, string membership, JsonObject? extraContent = null)
    {
        var content = extraContent?.DeepClone().AsObject() ?? new JsonObject();
        content["membership"] = membership;
        return Add(AuthStateKeys.MemberType, sender, content, target);
    }

    public Pdu PowerLevels(string sender, JsonObject content) => Add(AuthStateKeys.PowerLevelsType, sender, content, "");

    public Pdu JoinRules(string sender, string joinRule) =>
        Add(AuthStateKeys.JoinRulesType, sender, new JsonObject { ["join_rule"] = joinRule }, "");

    /// <summary>A member event (not added) for checking.</summary>
    public Pdu MemberEvent(string sender, string target, string membership, JsonObject? extraContent = null)
    {
        var content = extraContent?.DeepClone().AsObject() ?? new JsonObject();
        content["membership"] = membership;
        return Build(AuthStateKeys.MemberType, sender, content, target);
    }

    public AuthResult Check(Pdu ev) => EventAuthorizer.Default.Check(Version, ev, State);

    private JsonArray References(IEnumerable<string> ids) =>
        new(ids.Select(id => Version.Rules.EventReferencesAreHashPairs
            ? (JsonNode)new JsonArray(id, new JsonObject { ["sha256"] = "" })
            : JsonValue.Create(id)).ToArray());
}
