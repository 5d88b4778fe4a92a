using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Notifications;

/// <summary>A room member as push evaluation needs it: membership and display name.</summary>
public sealed record PushMember(string Membership, string? DisplayName);

/// <summary>
/// What push evaluation needs of a room's state after one event (<see cref="AfterEventId"/>): members, power
/// levels, creators, name and canonical alias. An event whose only previous event is <see cref="AfterEventId"/>
/// has exactly this state before it (one previous event means no resolution), so a run of events is evaluated by
/// advancing this with <see cref="Apply"/> instead of reading each event's state from the database.
/// </summary>
public sealed class RoomPushState
{
    private readonly Dictionary<string, PushMember> _members;
    private readonly Func<string, bool> _isLocal;
    private List<string>? _localJoined;
    private int _joinedCount = -1;

    /// <summary>The state before an event, as read from the database; <see cref="Apply"/> that event next.</summary>
    public RoomPushState(RoomVersion? version, Dictionary<string, PushMember> members, Pdu? powerLevels, Pdu? create,
        string? name, string? alias, Func<string, bool> isLocal)
    {
        Version = version;
        _members = members;
        PowerLevels = PowerLevels.Of(powerLevels);
        Creators = create is null ? RoomCreators.None : RoomCreators.Of(create);
        Name = name;
        Alias = alias;
        _isLocal = isLocal;
    }

    /// <summary>The event this is the state after; null before the first <see cref="Apply"/>.</summary>
    public string? AfterEventId { get; private set; }

    /// <summary>Null when the room's version is unknown to this server (power levels then count as absent).</summary>
    public RoomVersion? Version { get; }

    public PowerLevels PowerLevels { get; private set; }

    public RoomCreators Creators { get; private set; }

    public string? Name { get; private set; }

    public string? Alias { get; private set; }

    public PushMember? Member(string userId) => _members.GetValueOrDefault(userId);

    /// <summary>Members whose membership is <c>join</c>.</summary>
    public int JoinedCount => _joinedCount >= 0 ? _joinedCount : _joinedCount = _members.Values.Count(m => m.Membership == "join");

    /// <summary>Joined members of this server, in a stable order.</summary>
    public IReadOnlyList<string> LocalJoined => _localJoined ??=
        [.. _members.Where(m => m.Value.Membership == "join" && _isLocal(m.Key)).Select(m => m.Key).Order(StringComparer.Ordinal)];

    /// <summary>Whether the event's previous events are exactly <see cref="AfterEventId"/> (so this is the state before it).</summary>
    public bool Precedes(JsonObject eventJson) =>
        AfterEventId is not null && eventJson["prev_events"] is JsonArray { Count: 1 } prev && PrevEventId(prev[0]) == AfterEventId;

    /// <summary>
    /// Moves past an event that came right after <see cref="AfterEventId"/>: an accepted state event takes its place in
    /// the state (the caller passes only events that are not rejected). <paramref name="pdu"/> is the parsed event,
    /// needed for power levels and create events.
    /// </summary>
    public void Apply(string eventId, string type, string? stateKey, JsonObject content, Func<Pdu?> pdu)
    {
        AfterEventId = eventId;
        if (stateKey is null) return;
        switch (type)
        {
            case "m.room.member":
                _members[stateKey] = MemberOf(content);
                _localJoined = null;
                _joinedCount = -1;
                break;
            case "m.room.power_levels" when stateKey == "":
                PowerLevels = PowerLevels.Of(pdu());
                break;
            case "m.room.create" when stateKey == "":
                Creators = pdu() is { } create ? RoomCreators.Of(create) : RoomCreators.None;
                break;
            case "m.room.name" when stateKey == "":
                Name = Text(content["name"]);
                break;
            case "m.room.canonical_alias" when stateKey == "":
                Alias = Text(content["alias"]);
                break;
        }
    }

    public static PushMember MemberOf(JsonObject content) => new(Text(content["membership"]) ?? "", Text(content["displayname"]));

    /// <summary>A previous event reference: an id (v3+) or an [id, hashes] pair (v1, v2).</summary>
    private static string? PrevEventId(JsonNode? reference) => reference switch
    {
        JsonValue v when v.TryGetValue<string>(out var id) => id,
        JsonArray { Count: > 0 } pair => Text(pair[0]),
        _ => null,
    };

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
