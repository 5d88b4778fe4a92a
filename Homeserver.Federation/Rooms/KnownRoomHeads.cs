using Homeserver.Federation.Events;

namespace Homeserver.Federation.Rooms;

/// <summary>
/// Each room's head (forward extremities and current state) as this process's writer left it after its last
/// commit, so the next batch of the room starts without reading them. Another process may have written the
/// room since: the store's optimistic check of the forward extremities catches that, and the writer then
/// forgets the room and reads it. Bounded: past the capacity the longest unused room is dropped.
/// </summary>
internal sealed class KnownRoomHeads(int capacity)
{
    /// <summary>A room head as written; its collections are never changed afterwards.</summary>
    public sealed record Head(IReadOnlyList<string> Extremities, IReadOnlyDictionary<TypeStateKey, string> CurrentState);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<(string RoomId, Head Head)>> _byRoom = new(StringComparer.Ordinal);
    private readonly LinkedList<(string RoomId, Head Head)> _recency = new();

    public Head? Get(string roomId)
    {
        lock (_lock)
        {
            if (!_byRoom.TryGetValue(roomId, out var node)) return null;
            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Head;
        }
    }

    public void Remember(string roomId, IReadOnlyList<string> extremities, IReadOnlyDictionary<TypeStateKey, string> currentState)
    {
        if (capacity <= 0) return;
        lock (_lock)
        {
            if (_byRoom.Remove(roomId, out var old)) _recency.Remove(old);
            _byRoom[roomId] = _recency.AddFirst((roomId, new Head(extremities, currentState)));
            while (_byRoom.Count > capacity)
            {
                var last = _recency.Last!;
                _recency.RemoveLast();
                _byRoom.Remove(last.Value.RoomId);
            }
        }
    }

    public void Forget(string roomId)
    {
        lock (_lock)
        {
            if (_byRoom.Remove(roomId, out var node)) _recency.Remove(node);
        }
    }
}
