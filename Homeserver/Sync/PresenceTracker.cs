using System.Text.Json.Nodes;

namespace Homeserver.Sync;

/// <summary>A user's presence as last set, and the presence stream position of that change.</summary>
public sealed record UserPresence(string UserId, string Presence, string? StatusMsg, DateTimeOffset LastActive, long Position);

/// <summary>
/// Users' presence (<c>online</c>, <c>unavailable</c>, <c>offline</c> and a status message), in memory on
/// this node. Every visible change takes a new position on the presence stream and wakes the waiting
/// syncs of users who share a room with the user (<see cref="PresenceWakeups"/>); activity alone only refreshes
/// <c>last_active_ago</c>.
/// </summary>
public sealed class PresenceTracker(PresenceWakeups wakeups, TimeProvider time)
{
    public const string Online = "online";
    public const string Unavailable = "unavailable";
    public const string Offline = "offline";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, UserPresence> _users = new(StringComparer.Ordinal);
    private long _position;

    public static bool IsPresence(string? value) => value is Online or Unavailable or Offline;

    public long CurrentPosition
    {
        get
        {
            lock (_lock) return _position;
        }
    }

    /// <summary>An explicit update (<c>PUT /presence/{userId}/status</c>): the state and the status message (null clears it).</summary>
    public void Set(string userId, string presence, string? statusMsg) => Update(userId, presence, statusMsg, keepStatusMsg: false);

    /// <summary>
    /// A sync's <c>set_presence</c>: absent means online, <c>unavailable</c> marks the user idle, and
    /// <c>offline</c> leaves the presence as it is. The status message is kept.
    /// </summary>
    /// <returns>The new presence when it changed visibly (other servers are told), else null.</returns>
    public UserPresence? TouchFromSync(string userId, string? setPresence) =>
        setPresence == Offline ? null : Update(userId, setPresence ?? Online, null, keepStatusMsg: true);

    public UserPresence? Get(string userId)
    {
        lock (_lock) return _users.GetValueOrDefault(userId);
    }

    /// <summary>Presence of users that changed in (after, upTo].</summary>
    public List<UserPresence> ChangedBetween(long after, long upTo)
    {
        lock (_lock) return [.. _users.Values.Where(p => p.Position > after && p.Position <= upTo).OrderBy(p => p.Position)];
    }

    /// <summary>The <c>m.presence</c> event of a user's presence.</summary>
    public JsonObject ToEvent(UserPresence presence) => new()
    {
        ["type"] = "m.presence",
        ["sender"] = presence.UserId,
        ["content"] = Content(presence),
    };

    /// <summary>The content of <c>m.presence</c> (also the body of <c>GET /presence/{userId}/status</c>).</summary>
    public JsonObject Content(UserPresence presence)
    {
        var content = new JsonObject
        {
            ["presence"] = presence.Presence,
            ["last_active_ago"] = Math.Max(0, (long)(time.GetUtcNow() - presence.LastActive).TotalMilliseconds),
            ["currently_active"] = presence.Presence == Online,
        };
        if (presence.StatusMsg is not null) content["status_msg"] = presence.StatusMsg;
        return content;
    }

    /// <returns>The new presence when it changed visibly, null when only the activity time moved.</returns>
    private UserPresence? Update(string userId, string presence, string? statusMsg, bool keepStatusMsg)
    {
        var now = time.GetUtcNow();
        UserPresence updated;
        lock (_lock)
        {
            var previous = _users.GetValueOrDefault(userId);
            if (keepStatusMsg) statusMsg = previous?.StatusMsg;
            if (previous is not null && previous.Presence == presence && previous.StatusMsg == statusMsg)
            {
                _users[userId] = previous with { LastActive = now };
                return null;
            }
            _users[userId] = updated = new UserPresence(userId, presence, statusMsg, now, ++_position);
        }
        // Not awaited: the rooms are read in the background, and a sync that reads presence meanwhile sees the change anyway.
        _ = wakeups.SignalAsync(userId);
        return updated;
    }
}
