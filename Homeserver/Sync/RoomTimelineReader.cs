using Homeserver.Storage.Events;

namespace Homeserver.Sync;

/// <summary>Events a filter allows, read in batches from the stream, and whether more of them exist.</summary>
/// <summary><see cref="AnyInRange"/>: the range held events at all, allowed by the filter or not.</summary>
public sealed record TimelineSlice(IReadOnlyList<EventRecord> Events, bool HasMore, bool AnyInRange);

/// <summary>
/// Reads a room's events in a stream range through an <see cref="EventFilter"/>, in batches, so a
/// filter that skips events still returns up to the limit. The scan per call is bounded; reaching
/// the bound reports more events, so the client can paginate on.
/// </summary>
public sealed class RoomTimelineReader(IRoomTimelineStore store)
{
    private const int MaxScanned = 5000;

    /// <summary>Events read per batch for a slice of <paramref name="limit"/> events: one more tells whether more exist.</summary>
    public static int FirstBatchSize(int limit) => limit + 1;

    /// <summary>
    /// Up to <paramref name="limit"/> allowed events in (after, upTo]: backwards the newest (returned
    /// in descending order), forwards the oldest (ascending).
    /// </summary>
    /// <param name="firstBatch">
    /// The store's answer for the first batch (<see cref="FirstBatchSize"/> events from the start) when already read, for example
    /// for many rooms at once.
    /// </param>
    public async Task<TimelineSlice> ReadAsync(string roomId, long after, long upTo, bool backwards, int limit, EventFilter filter,
        CancellationToken cancellationToken, IReadOnlyList<EventRecord>? firstBatch = null)
    {
        var result = new List<EventRecord>();
        var scanned = 0;
        var batchSize = FirstBatchSize(limit);
        while (after < upTo)
        {
            var batch = firstBatch ?? await store.GetRoomEventsAsync(roomId, after, upTo, backwards, batchSize, cancellationToken);
            firstBatch = null;
            foreach (var record in batch)
            {
                if (!filter.Allows(record.Type, record.Sender)) continue;
                if (result.Count == limit) return new TimelineSlice(result, HasMore: true, AnyInRange: true);
                result.Add(record);
            }
            scanned += batch.Count;
            if (batch.Count < batchSize) break;
            if (scanned >= MaxScanned) return new TimelineSlice(result, HasMore: true, AnyInRange: true);
            var last = batch[^1].StreamOrdering!.Value;
            if (backwards) upTo = last - 1;
            else after = last;
        }
        return new TimelineSlice(result, HasMore: false, AnyInRange: scanned > 0);
    }
}
