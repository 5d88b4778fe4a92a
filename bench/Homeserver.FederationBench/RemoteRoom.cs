using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;

/// <summary>
/// A room that lives on the bench remote: create, the creator's join, power levels, public join rules,
/// a few more state events, then one join per member, each a user of the remote, chained by
/// prev_events and signed by the remote's key with auth events chosen by the auth rules.
/// </summary>
internal sealed class RemoteRoom
{
    private readonly Dictionary<string, Pdu> _byId = new(StringComparer.Ordinal);

    public RemoteRoom(RoomVersion version, ServerIdentity identity, int members)
    {
        Version = version;
        var builder = new LocalEventBuilder(identity, TimeProvider.System);
        var creator = $"@creator:{identity.ServerName}";
        var create = builder.BuildCreate(version, creator);
        RoomId = create.RoomId;
        Add(create);
        Pdu Next(string type, string stateKey, string sender, JsonObject content) =>
            Add(builder.Build(version, new LocalEventDraft(RoomId, type, stateKey, sender, content), [Events[^1]], State));
        Next("m.room.member", creator, creator, new JsonObject { ["membership"] = "join" });
        Next("m.room.power_levels", "", creator, new JsonObject
        {
            // Creators of rooms that give them infinite power must not be listed.
            ["users"] = version.Rules.CreatorsHaveInfinitePower ? new JsonObject() : new JsonObject { [creator] = 100 },
            ["users_default"] = 0, ["events_default"] = 0, ["state_default"] = 50, ["ban"] = 50, ["kick"] = 50, ["redact"] = 50, ["invite"] = 0,
        });
        Next("m.room.join_rules", "", creator, new JsonObject { ["join_rule"] = "public" });
        Next("m.room.history_visibility", "", creator, new JsonObject { ["history_visibility"] = "shared" });
        Next("m.room.guest_access", "", creator, new JsonObject { ["guest_access"] = "can_join" });
        Next("m.room.name", "", creator, new JsonObject { ["name"] = $"Bench room of {members} members" });
        Next("m.room.topic", "", creator, new JsonObject { ["topic"] = "A room the federation join benchmark joins" });
        for (var i = 0; i < members; i++)
        {
            var user = $"@member{i}:{identity.ServerName}";
            Next("m.room.member", user, user, new JsonObject { ["membership"] = "join", ["displayname"] = $"Member {i}" });
        }
    }

    public RoomVersion Version { get; }
    public string RoomId { get; }
    /// <summary>Every event, in the order built (each one's prev event is the one before it).</summary>
    public List<Pdu> Events { get; } = [];
    public Dictionary<TypeStateKey, Pdu> State { get; } = [];

    public Pdu? Find(string eventId) => _byId.GetValueOrDefault(eventId);

    /// <summary>The auth events of the given events and theirs, transitively (the given ones included only when reached).</summary>
    public List<Pdu> AuthChain(IEnumerable<Pdu> events)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var chain = new List<Pdu>();
        var pending = new Stack<string>(events.SelectMany(e => e.AuthEvents));
        while (pending.TryPop(out var id))
        {
            if (!seen.Add(id) || Find(id) is not { } ev) continue;
            chain.Add(ev);
            foreach (var authId in ev.AuthEvents) pending.Push(authId);
        }
        return chain;
    }

    /// <summary>The make_join template for a user of another server: on top of the last event, auth events as the rules select them.</summary>
    public JsonObject JoinTemplate(string userId, string origin)
    {
        var content = new JsonObject { ["membership"] = "join" };
        var authEvents = new JsonArray();
        foreach (var key in AuthEventSelection.Select(Version, AuthStateKeys.MemberType, userId, userId, content))
            if (State.TryGetValue(key, out var ev)) authEvents.Add(ev.EventId);
        var last = Events[^1];
        return new JsonObject
        {
            ["room_id"] = RoomId,
            ["type"] = AuthStateKeys.MemberType,
            ["state_key"] = userId,
            ["sender"] = userId,
            ["origin"] = origin,
            ["origin_server_ts"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["content"] = content,
            ["prev_events"] = new JsonArray(last.EventId),
            ["auth_events"] = authEvents,
            ["depth"] = last.Depth + 1,
        };
    }

    /// <summary>Takes a member event built elsewhere (the joining server's) into the room.</summary>
    public Pdu Add(Pdu ev)
    {
        Events.Add(ev);
        _byId[ev.EventId] = ev;
        if (ev.StateKey is not null) State[ev.StateEntryKey] = ev;
        return ev;
    }
}
