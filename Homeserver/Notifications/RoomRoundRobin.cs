using Homeserver.Federation.Rooms;

namespace Homeserver.Notifications;

/// <summary>
/// Committed batches waiting for push evaluation, first in first out within a room and taken round-robin across
/// rooms: a room flooded with messages must not hold back the notifications (and so the syncs) of every other room.
/// Not thread-safe: owned by the queue's one reader.
/// </summary>
public sealed class RoomRoundRobin
{
    private readonly Dictionary<string, Queue<RoomEventsCommitted>> _byRoom = new(StringComparer.Ordinal);

    /// <summary>Rooms with batches waiting, in the order they get their next turn (and rooms emptied out of turn).</summary>
    private readonly Queue<string> _turns = new();

    /// <summary>The rooms in <see cref="_turns"/>.</summary>
    private readonly HashSet<string> _inTurns = new(StringComparer.Ordinal);

    /// <summary>Batches waiting in all rooms.</summary>
    public int Count { get; private set; }

    public void Add(RoomEventsCommitted committed)
    {
        if (!_byRoom.TryGetValue(committed.RoomId, out var queue))
        {
            _byRoom[committed.RoomId] = queue = new Queue<RoomEventsCommitted>();
            if (_inTurns.Add(committed.RoomId))
                _turns.Enqueue(committed.RoomId);
        }
        queue.Enqueue(committed);
        Count++;
    }

    /// <summary>
    /// The next step's batches: first those of the <paramref name="urgentRooms"/> (a sync is waiting for them),
    /// then one per room per turn, until the step holds <paramref name="maxEvents"/> events or <paramref name="maxBatches"/>
    /// batches (at least one batch when any waits). A room's batches keep their order.
    /// </summary>
    public List<RoomEventsCommitted> TakeStep(int maxEvents, int maxBatches, IEnumerable<string>? urgentRooms = null)
    {
        var step = new List<RoomEventsCommitted>();
        var events = 0;
        bool Full() => step.Count >= maxBatches || (step.Count > 0 && events >= maxEvents);
        void TakeFrom(string roomId, Queue<RoomEventsCommitted> queue)
        {
            var committed = queue.Dequeue();
            Count--;
            step.Add(committed);
            events += committed.EventIds.Count;
            if (queue.Count == 0)
                _byRoom.Remove(roomId);
        }

        foreach (var roomId in urgentRooms ?? [])
            if (_byRoom.TryGetValue(roomId, out var queue))
                while (queue.Count > 0 && !Full())
                    TakeFrom(roomId, queue);
        while (_turns.Count > 0 && !Full())
        {
            var roomId = _turns.Dequeue();
            // A room emptied out of turn (urgent) keeps its place in the turns until it comes up.
            if (!_byRoom.TryGetValue(roomId, out var queue))
            {
                _inTurns.Remove(roomId);
                continue;
            }
            TakeFrom(roomId, queue);
            if (queue.Count > 0)
                _turns.Enqueue(roomId);
            else
                _inTurns.Remove(roomId);
        }
        return step;
    }
}
