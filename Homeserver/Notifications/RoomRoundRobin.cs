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

    /// <summary>Rooms with batches waiting, in the order they get their next turn.</summary>
    private readonly Queue<string> _turns = new();

    /// <summary>Batches waiting in all rooms.</summary>
    public int Count { get; private set; }

    public void Add(RoomEventsCommitted committed)
    {
        if (!_byRoom.TryGetValue(committed.RoomId, out var queue))
        {
            _byRoom[committed.RoomId] = queue = new Queue<RoomEventsCommitted>();
            _turns.Enqueue(committed.RoomId);
        }
        queue.Enqueue(committed);
        Count++;
    }

    /// <summary>
    /// The next step's batches: one per room per turn, until the step holds <paramref name="maxEvents"/> events or
    /// <paramref name="maxBatches"/> batches (at least one batch when any waits). A room's batches keep their order.
    /// </summary>
    public List<RoomEventsCommitted> TakeStep(int maxEvents, int maxBatches)
    {
        var step = new List<RoomEventsCommitted>();
        var events = 0;
        while (_turns.Count > 0 && step.Count < maxBatches && (step.Count == 0 || events < maxEvents))
        {
            var roomId = _turns.Dequeue();
            var queue = _byRoom[roomId];
            var committed = queue.Dequeue();
            Count--;
            step.Add(committed);
            events += committed.EventIds.Count;
            if (queue.Count > 0)
                _turns.Enqueue(roomId);
            else
                _byRoom.Remove(roomId);
        }
        return step;
    }
}
