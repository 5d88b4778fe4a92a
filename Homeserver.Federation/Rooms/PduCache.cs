namespace Homeserver.Federation.Rooms;

/// <summary>
/// Parsed stored events by event id, least recently used dropped first. Safe to share: what is
/// cached about a stored event (its JSON, rejection, outlier status) does not change.
/// </summary>
public sealed class PduCache
{
    private readonly int _capacity;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<StoredPdu>> _byId = new(StringComparer.Ordinal);
    private readonly LinkedList<StoredPdu> _recency = new();

    public PduCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    public int Count
    {
        get
        {
            lock (_lock) return _byId.Count;
        }
    }

    public bool TryGet(string eventId, out StoredPdu stored)
    {
        lock (_lock)
        {
            if (_byId.TryGetValue(eventId, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                stored = node.Value;
                return true;
            }
        }
        stored = null!;
        return false;
    }

    public void Add(StoredPdu stored)
    {
        lock (_lock)
        {
            if (_byId.TryGetValue(stored.Pdu.EventId, out var existing))
            {
                _recency.Remove(existing);
                _byId.Remove(stored.Pdu.EventId);
            }
            _byId[stored.Pdu.EventId] = _recency.AddFirst(stored);
            while (_byId.Count > _capacity)
            {
                var last = _recency.Last!;
                _recency.RemoveLast();
                _byId.Remove(last.Value.Pdu.EventId);
            }
        }
    }
}
