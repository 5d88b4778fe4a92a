using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.History;

/// <summary>
/// Walks a room's graph backwards through prev_events, deepest events first (breadth-first by
/// depth), over events stored here that belong to the room and were not rejected.
/// </summary>
public sealed class PrevEventsWalk(StoredPduLoader loader)
{
    /// <summary>
    /// Up to <paramref name="limit"/> events: the <paramref name="starts"/> that are known and what
    /// precedes them, never entering <paramref name="stopAt"/> and never going below <paramref name="minDepth"/>.
    /// </summary>
    public async Task<List<StoredPdu>> WalkAsync(string roomId, RoomVersion version, IEnumerable<string> starts, IReadOnlySet<string> stopAt,
        long minDepth, int limit, CancellationToken cancellationToken)
    {
        var result = new List<StoredPdu>();
        var seen = new HashSet<string>(stopAt, StringComparer.Ordinal);
        var queue = new PriorityQueue<StoredPdu, (long, string)>();
        async Task EnqueueAsync(IEnumerable<string> ids)
        {
            var fresh = ids.Where(seen.Add).ToList();
            if (fresh.Count == 0) return;
            foreach (var (id, stored) in await loader.LoadAsync(fresh, version, cancellationToken).ConfigureAwait(false))
                if (stored.Pdu.RoomId == roomId && !stored.IsRejected && stored.Pdu.Depth >= minDepth)
                    queue.Enqueue(stored, (-stored.Pdu.Depth, id));
        }

        await EnqueueAsync(starts).ConfigureAwait(false);
        while (result.Count < limit && queue.TryDequeue(out var next, out _))
        {
            result.Add(next);
            await EnqueueAsync(next.Pdu.PrevEvents).ConfigureAwait(false);
        }
        return result;
    }
}
