using System.Text.Json.Nodes;

namespace Homeserver.Sync;

/// <summary>
/// Who is typing in which room, in memory with expiry (typing is ephemeral and not federated yet).
/// Every change (start, stop, expiry) takes a new position on the typing stream and wakes waiting
/// syncs. Expiry is applied at each read and by a timer at the earliest expiry.
/// </summary>
public sealed class TypingTracker : IDisposable
{
    /// <summary>Longest a typing notice lasts without being renewed.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(2);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, RoomTyping> _rooms = new(StringComparer.Ordinal);
    private readonly SyncWakeups _wakeups;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private long _position;

    public TypingTracker(SyncWakeups wakeups, TimeProvider time)
    {
        _wakeups = wakeups;
        _time = time;
        _timer = time.CreateTimer(_ => ExpireDue(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private sealed class RoomTyping
    {
        public Dictionary<string, DateTimeOffset> Users { get; } = new(StringComparer.Ordinal);
        /// <summary>Kept after everyone stopped: a client behind this position still has to learn that.</summary>
        public long Position { get; set; }
    }

    public long CurrentPosition
    {
        get
        {
            ExpireDue();
            lock (_lock) return _position;
        }
    }

    public void SetTyping(string roomId, string userId, bool typing, TimeSpan timeout)
    {
        ExpireDue();
        lock (_lock)
        {
            if (!_rooms.TryGetValue(roomId, out var room))
                _rooms[roomId] = room = new RoomTyping();
            var wasTyping = room.Users.ContainsKey(userId);
            if (typing)
            {
                room.Users[userId] = _time.GetUtcNow() + (timeout > MaxTimeout ? MaxTimeout : timeout);
                ScheduleNextExpiry();
            }
            else
            {
                room.Users.Remove(userId);
            }
            // A renewal changes nothing a client sees.
            if (wasTyping == typing) return;
            room.Position = ++_position;
        }
        _wakeups.SignalRoom(roomId);
    }

    /// <summary>The room's <c>m.typing</c> event when it changed after <paramref name="since"/> (always when null and someone types).</summary>
    public JsonObject? GetTypingEvent(string roomId, long? since)
    {
        lock (_lock)
        {
            if (!_rooms.TryGetValue(roomId, out var room)) return null;
            if (since is { } position ? room.Position <= position : room.Users.Count == 0) return null;
            return new JsonObject
            {
                ["type"] = "m.typing",
                ["content"] = new JsonObject { ["user_ids"] = new JsonArray([.. room.Users.Keys.Order(StringComparer.Ordinal).Select(u => (JsonNode)u)]) },
            };
        }
    }

    private void ExpireDue()
    {
        var now = _time.GetUtcNow();
        var changed = new List<string>();
        lock (_lock)
        {
            foreach (var (roomId, room) in _rooms)
            {
                var expired = room.Users.Where(u => u.Value <= now).Select(u => u.Key).ToList();
                foreach (var user in expired) room.Users.Remove(user);
                if (expired.Count > 0)
                {
                    room.Position = ++_position;
                    changed.Add(roomId);
                }
            }
            ScheduleNextExpiry();
        }
        if (changed.Count > 0) _wakeups.SignalRooms(changed);
    }

    /// <summary>Call with the lock held.</summary>
    private void ScheduleNextExpiry()
    {
        var next = _rooms.Values.SelectMany(r => r.Users.Values).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        var due = next == DateTimeOffset.MaxValue ? Timeout.InfiniteTimeSpan : next - _time.GetUtcNow();
        // Nobody typing: no timer at all (InfiniteTimeSpan is negative, so it must not be clamped to zero, which would spin).
        if (due != Timeout.InfiniteTimeSpan && due < TimeSpan.Zero) due = TimeSpan.Zero;
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    public void Dispose() => _timer.Dispose();
}
