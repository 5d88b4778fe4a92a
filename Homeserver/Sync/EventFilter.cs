using System.Text.Json.Nodes;

namespace Homeserver.Sync;

/// <summary>
/// One <c>EventFilter</c>/<c>RoomEventFilter</c> of filter.yaml, already validated: type and sender
/// lists (types may end or contain <c>*</c> wildcards), room lists, limit and lazy loading.
/// </summary>
public sealed class EventFilter
{
    public static readonly EventFilter All = new(null);

    private readonly string[]? _types;
    private readonly string[] _notTypes;
    private readonly HashSet<string>? _senders;
    private readonly HashSet<string> _notSenders;
    private readonly HashSet<string>? _rooms;
    private readonly HashSet<string> _notRooms;

    public EventFilter(JsonObject? filter)
    {
        _types = Strings(filter, "types");
        _notTypes = Strings(filter, "not_types") ?? [];
        _senders = Set(Strings(filter, "senders"));
        _notSenders = Set(Strings(filter, "not_senders")) ?? [];
        _rooms = Set(Strings(filter, "rooms"));
        _notRooms = Set(Strings(filter, "not_rooms")) ?? [];
        Limit = filter?["limit"] is JsonValue limit && limit.TryGetValue<long>(out var n) ? n : null;
        LazyLoadMembers = filter?["lazy_load_members"] is JsonValue lazy && lazy.TryGetValue<bool>(out var l) && l;
        UnreadThreadNotifications = filter?["unread_thread_notifications"] is JsonValue threads && threads.TryGetValue<bool>(out var t) && t;
    }

    public long? Limit { get; }

    public bool LazyLoadMembers { get; }

    /// <summary>Sync counts notifications per thread (<c>unread_thread_notifications</c>).</summary>
    public bool UnreadThreadNotifications { get; }

    public bool AllowsRoom(string roomId) => (_rooms is null || _rooms.Contains(roomId)) && !_notRooms.Contains(roomId);

    public bool Allows(string type, string sender) =>
        (_types is null || _types.Any(t => Glob(t, type))) && !_notTypes.Any(t => Glob(t, type))
        && (_senders is null || _senders.Contains(sender)) && !_notSenders.Contains(sender);

    /// <summary>Matches a pattern where <c>*</c> stands for any run of characters.</summary>
    private static bool Glob(string pattern, string value)
    {
        var parts = pattern.Split('*');
        if (parts.Length == 1) return pattern == value;
        if (!value.StartsWith(parts[0], StringComparison.Ordinal)) return false;
        var index = parts[0].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var found = value.IndexOf(parts[i], index, StringComparison.Ordinal);
            if (found < 0) return false;
            index = found + parts[i].Length;
        }
        return value.Length - index >= parts[^1].Length && value.EndsWith(parts[^1], StringComparison.Ordinal);
    }

    private static string[]? Strings(JsonObject? filter, string key) =>
        filter?[key] is JsonArray array ? [.. array.Select(n => n!.GetValue<string>())] : null;

    private static HashSet<string>? Set(string[]? values) => values is null ? null : new HashSet<string>(values, StringComparer.Ordinal);
}
