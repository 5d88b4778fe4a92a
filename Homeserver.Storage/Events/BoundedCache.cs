namespace Homeserver.Storage.Events;

/// <summary>
/// A thread-safe least-recently-used cache bounded by the total weight of its values (for state
/// maps: their entry count), so memory stays bounded however large the rooms are.
/// </summary>
internal sealed class BoundedCache<TKey, TValue>(long maxWeight, Func<TValue, long> weigh)
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value, long Weight)>> _index = [];
    private readonly LinkedList<(TKey Key, TValue Value, long Weight)> _order = new();
    private readonly Lock _lock = new();
    private long _weight;

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_lock)
        {
            if (_index.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    public void Set(TKey key, TValue value)
    {
        var weight = Math.Max(1, weigh(value));
        if (weight > maxWeight)
            return;
        lock (_lock)
        {
            if (_index.Remove(key, out var old))
            {
                _order.Remove(old);
                _weight -= old.Value.Weight;
            }

            _index[key] = _order.AddFirst((key, value, weight));
            _weight += weight;
            while (_weight > maxWeight && _order.Last is { } last)
            {
                _order.RemoveLast();
                _index.Remove(last.Value.Key);
                _weight -= last.Value.Weight;
            }
        }
    }
}
