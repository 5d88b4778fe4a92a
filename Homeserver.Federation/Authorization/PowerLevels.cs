using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Authorization;

/// <summary>
/// A parsed view of <c>m.room.power_levels</c> content with the spec's defaults. Values that the
/// room version does not accept (a string in v10+, garbage in any version) count as absent here;
/// whether such content is allowed at all is decided by the power levels auth rule.
/// </summary>
public sealed class PowerLevels
{
    /// <summary>The level of v12 room creators: above every level a power levels event can hold.</summary>
    public const long Infinite = long.MaxValue;

    /// <summary>The top-level levels, in the order the auth rules list them.</summary>
    public static readonly IReadOnlyList<string> TopLevelKeys =
        ["users_default", "events_default", "state_default", "ban", "redact", "kick", "invite"];

    private static readonly ConditionalWeakTable<Pdu, PowerLevels> Cache = new();
    private static readonly IReadOnlyDictionary<string, long> Empty = new Dictionary<string, long>();

    /// <summary>The room has no power levels event.</summary>
    public static readonly PowerLevels Absent = new(false, new long?[TopLevelKeys.Count], Empty, Empty, Empty);

    private readonly long?[] _topLevel;

    private PowerLevels(bool exists, long?[] topLevel, IReadOnlyDictionary<string, long> users,
        IReadOnlyDictionary<string, long> events, IReadOnlyDictionary<string, long> notifications)
    {
        Exists = exists;
        _topLevel = topLevel;
        Users = users;
        Events = events;
        Notifications = notifications;
    }

    /// <summary>False for <see cref="Absent"/>: no power levels event, so the creator has 100.</summary>
    public bool Exists { get; }
    public IReadOnlyDictionary<string, long> Users { get; }
    public IReadOnlyDictionary<string, long> Events { get; }
    public IReadOnlyDictionary<string, long> Notifications { get; }

    /// <summary>The explicit value of a top-level key (see <see cref="TopLevelKeys"/>), or null.</summary>
    public long? Explicit(string key) => _topLevel[IndexOf(key)];

    public long UsersDefault => _topLevel[0] ?? 0;
    public long EventsDefault => _topLevel[1] ?? 0;
    public long StateDefault => _topLevel[2] ?? 50;
    public long Ban => _topLevel[3] ?? 50;
    public long Redact => _topLevel[4] ?? 50;
    public long Kick => _topLevel[5] ?? 50;
    public long Invite => _topLevel[6] ?? 0;

    /// <summary>The level needed to send an event of this type (state or not).</summary>
    public long RequiredLevel(string eventType, bool isState) =>
        Events.TryGetValue(eventType, out var level) ? level : isState ? StateDefault : EventsDefault;

    /// <summary>The level needed for a notification key such as <c>room</c> (default 50).</summary>
    public long NotificationLevel(string key) => Notifications.TryGetValue(key, out var level) ? level : 50;

    /// <summary>
    /// A user's level: infinite for v12 creators; without a power levels event 100 for the
    /// creator (v1–v11) and 0 for everyone else; otherwise <c>users</c> or <c>users_default</c>.
    /// </summary>
    public long UserLevel(string userId, RoomCreators creators)
    {
        if (creators.HaveInfinitePower && creators.Contains(userId)) return Infinite;
        if (!Exists) return creators.Contains(userId) ? 100 : 0;
        return Users.TryGetValue(userId, out var level) ? level : UsersDefault;
    }

    /// <summary>The power levels of an event (parsed once per event), or <see cref="Absent"/> for null.</summary>
    public static PowerLevels Of(Pdu? powerLevelsEvent) =>
        powerLevelsEvent is null ? Absent : Cache.GetValue(powerLevelsEvent, e => Parse(e.Content, e.RoomVersion.Rules));

    public static PowerLevels Parse(JsonObject content, RoomVersionRules rules)
    {
        var top = new long?[TopLevelKeys.Count];
        for (var i = 0; i < top.Length; i++)
            if (PowerLevelValue.TryRead(content[TopLevelKeys[i]], rules, out var level))
                top[i] = level;
        return new PowerLevels(true, top, ReadMap(content["users"], rules), ReadMap(content["events"], rules),
            ReadMap(content["notifications"], rules));
    }

    private static IReadOnlyDictionary<string, long> ReadMap(JsonNode? node, RoomVersionRules rules)
    {
        if (node is not JsonObject map || map.Count == 0) return Empty;
        var result = new Dictionary<string, long>(map.Count, StringComparer.Ordinal);
        foreach (var (key, value) in map)
            if (PowerLevelValue.TryRead(value, rules, out var level))
                result[key] = level;
        return result;
    }

    private static int IndexOf(string key)
    {
        for (var i = 0; i < TopLevelKeys.Count; i++)
            if (TopLevelKeys[i] == key) return i;
        throw new ArgumentException($"{key} is not a top-level power level", nameof(key));
    }
}
