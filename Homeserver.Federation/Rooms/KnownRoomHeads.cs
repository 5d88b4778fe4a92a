using Homeserver.Federation.Events;

namespace Homeserver.Federation.Rooms;

/// <summary>
/// Each room's head (forward extremities and current state) as this process's writer left it after its last
/// commit, so the next batch of the room starts without reading them. Another process may have written the
/// room since: the store's optimistic check of the forward extremities catches that, and the writer then
/// forgets the room and reads it. Bounded by state entries (a room counts its current state's size plus one):
/// past the capacity the longest unused rooms are dropped.
/// </summary>
internal sealed class KnownRoomHeads(int capacity)
{
    /// <summary>A room head as written; its collections are never changed afterwards.</summary>
    public sealed record Head(IReadOnlyList<string> Extremities, IReadOnlyDictionary<TypeStateKey, string> CurrentState);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<(string RoomId, Head Head)>> _byRoom = new(StringComparer.Ordinal);
    private readonly LinkedList<(string RoomId, Head Head)> _recency = new();
    private long _entries;

    private static long SizeOf(Head head) => head.CurrentState.Count + 1L;

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
            Remove(roomId);
            var head = new Head(extremities, currentState);
            if (SizeOf(head) > capacity) return;
            _byRoom[roomId] = _recency.AddFirst((roomId, head));
            _entries += SizeOf(head);
            while (_entries > capacity)
                Remove(_recency.Last!.Value.RoomId);
        }
    }

    public void Forget(string roomId)
    {
        lock (_lock) Remove(roomId);
    }

    private void Remove(string roomId)
    {
        if (!_byRoom.Remove(roomId, out var node)) return;
        _recency.Remove(node);
        _entries -= SizeOf(node.Value.Head);
    }
}
