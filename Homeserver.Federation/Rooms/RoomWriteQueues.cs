namespace Homeserver.Federation.Rooms;

/// <summary>
/// One queue per room with at most one consumer: events of a room are written by one writer at a
/// time (in this process; the store's optimistic check covers other processes), in batches of
/// what queued up meanwhile, while different rooms proceed in parallel. A room's queue exists only
/// while it has work: the consumer removes it when it finds the queue empty, under the same lock
/// producers take, so no item is ever left without a consumer.
/// </summary>
internal sealed class RoomWriteQueues(Func<string, IReadOnlyList<RoomWork>, Task> writeBatch, int maxBatchSize)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Queue<RoomWork>> _queues = new(StringComparer.Ordinal);

    /// <summary>Rooms with queued or in-progress work (for tests and metrics).</summary>
    public int ActiveRooms
    {
        get
        {
            lock (_lock) return _queues.Count;
        }
    }

    public void Enqueue(RoomWork work) => EnqueueAll([work]);

    /// <summary>
    /// Queues the items in their order under one lock, so a room's consumer finds them all together (one batch, one
    /// commit) instead of starting on the first while the others are still being queued.
    /// </summary>
    public void EnqueueAll(IReadOnlyList<RoomWork> works)
    {
        List<string>? consumersToStart = null;
        lock (_lock)
        {
            foreach (var work in works)
            {
                if (!_queues.TryGetValue(work.RoomId, out var queue))
                {
                    queue = new Queue<RoomWork>();
                    _queues[work.RoomId] = queue;
                    (consumersToStart ??= []).Add(work.RoomId);
                }
                queue.Enqueue(work);
            }
        }
        foreach (var roomId in consumersToStart ?? [])
            _ = Task.Run(() => ConsumeAsync(roomId));
    }

    private async Task ConsumeAsync(string roomId)
    {
        while (true)
        {
            List<RoomWork> batch;
            lock (_lock)
            {
                var queue = _queues[roomId];
                if (queue.Count == 0)
                {
                    _queues.Remove(roomId);
                    return;
                }
                batch = new List<RoomWork>(Math.Min(queue.Count, maxBatchSize));
                while (batch.Count < maxBatchSize && queue.TryDequeue(out var work)) batch.Add(work);
            }
            try
            {
                await writeBatch(roomId, batch).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // The writer completes its items itself; this only guards against a writer bug leaving callers waiting.
                foreach (var work in batch) work.Fail(e);
            }
        }
    }
}
