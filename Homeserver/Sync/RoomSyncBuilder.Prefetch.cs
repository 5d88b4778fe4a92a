using Homeserver.Storage.Events;

namespace Homeserver.Sync;

public sealed partial class RoomSyncBuilder
{
    /// <summary>
    /// Makes the reads of <see cref="BuildAsync"/> with <see cref="RoomStateMode.Full"/> over (after, upTo] and of
    /// <see cref="SummaryAsync"/> for all the rooms at once: a few statements in all instead of several per room.
    /// </summary>
    public async Task<RoomsPrefetch> PrefetchAsync(SyncRequest request, IReadOnlyList<string> roomIds, long after, long upTo,
        CancellationToken cancellationToken)
    {
        var filter = request.Filter;
        var firstBatches = await timeline.GetLatestRoomEventsAsync(roomIds, after, upTo, RoomTimelineReader.FirstBatchSize(filter.TimelineLimit),
            cancellationToken);
        var slices = new Dictionary<string, TimelineSlice>(StringComparer.Ordinal);
        foreach (var roomId in roomIds)
            slices[roomId] = await reader.ReadAsync(roomId, after, upTo, backwards: true, filter.TimelineLimit, filter.Timeline, cancellationToken,
                firstBatch: firstBatches.GetValueOrDefault(roomId) ?? []);

        // The state at each timeline's start: before its first event, or at upTo for an empty timeline (rare: read alone).
        var firstEvents = slices.Where(s => s.Value.Events.Count > 0).ToDictionary(s => s.Key, s => s.Value.Events[^1].EventId, StringComparer.Ordinal);
        var statesBeforeRead = events.GetStatesBeforeAsync(firstEvents.Values, cancellationToken);
        var currentStatesRead = events.GetCurrentStatesAsync(roomIds, cancellationToken);
        await Task.WhenAll(statesBeforeRead, currentStatesRead);
        var statesAtStart = new Dictionary<string, StateMap>(StringComparer.Ordinal);
        foreach (var roomId in roomIds)
        {
            var atStart = firstEvents.TryGetValue(roomId, out var firstId)
                ? statesBeforeRead.Result.GetValueOrDefault(firstId)
                : await StateAtAsync(roomId, upTo, cancellationToken);
            if (atStart is not null)
                statesAtStart[roomId] = atStart;
        }

        var timelines = slices.ToDictionary(s => s.Key, s => (IReadOnlyList<EventRecord>)[.. s.Value.Events.Reverse()], StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (roomId, atStart) in statesAtStart)
            ids.UnionWith(StateEventIds(request, atStart, [], timelines[roomId]));
        foreach (var current in currentStatesRead.Result.Values)
            ids.UnionWith(MemberEventIds(current));
        var records = (await events.GetEventsAsync(ids, cancellationToken)).ToDictionary(r => r.EventId, StringComparer.Ordinal);

        // Every event the rooms' sections will format: the timelines and the state sent.
        var formatted = timelines.Values.SelectMany(t => t).ToList();
        foreach (var (roomId, atStart) in statesAtStart)
            formatted.AddRange(StateToSend(request, StateEventIds(request, atStart, [], timelines[roomId])
                .Select(id => records.GetValueOrDefault(id)).OfType<EventRecord>()));
        var format = await FormatPrefetch.ReadAsync(timeline, relations, formatted, request.UserId, request.DeviceId, cancellationToken);
        return new RoomsPrefetch(after, upTo, slices, statesAtStart, currentStatesRead.Result, records, format);
    }
}
