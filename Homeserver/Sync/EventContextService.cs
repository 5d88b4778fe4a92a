using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http.Auth;
using Homeserver.Rooms;
using Homeserver.Storage.Events;

namespace Homeserver.Sync;

/// <summary>
/// <c>GET /rooms/{roomId}/context/{eventId}</c>: the event, the visible events before and after it (the
/// limit split between the two), <c>/messages</c> tokens to page on from either end, and the state at
/// the last event returned. Access is that of <see cref="RoomReads.GetEventAsync"/> (403 for outsiders
/// of rooms that are not world readable, 404 for unknown or invisible events).
/// </summary>
public sealed class EventContextService(IRoomEventStore events, RoomReads reads, HistoryVisibility visibility, RoomTimelineReader reader,
    ClientEventWriter writer)
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 1000;

    public async Task<JsonObject> GetContextAsync(RequestUser user, string roomId, string eventId, int limit, EventFilter filter,
        CancellationToken cancellationToken)
    {
        await reads.GetEventAsync(user.UserId, roomId, eventId, cancellationToken);
        var target = await events.GetEventAsync(eventId, cancellationToken) ?? throw MatrixException.NotFound("Event not found.");
        var position = target.StreamOrdering ?? throw MatrixException.NotFound("Event not found.");
        var max = await events.GetMaxStreamOrderingAsync(cancellationToken);

        var beforeLimit = limit / 2;
        var before = beforeLimit == 0
            ? new TimelineSlice([], false, false)
            : await reader.ReadAsync(roomId, 0, position - 1, backwards: true, beforeLimit, filter, cancellationToken);
        var afterLimit = limit - beforeLimit;
        var after = afterLimit == 0
            ? new TimelineSlice([], false, false)
            : await reader.ReadAsync(roomId, position, max, backwards: false, afterLimit, filter, cancellationToken);
        // Tokens follow the events read, seen or not: /messages applies visibility itself.
        var start = (before.Events.Count > 0 ? before.Events[^1].StreamOrdering!.Value : position) - 1;
        var end = after.Events.Count > 0 ? after.Events[^1].StreamOrdering!.Value : position;
        var visibleBefore = await VisibleAsync(user.UserId, before.Events, cancellationToken);
        var visibleAfter = await VisibleAsync(user.UserId, after.Events, cancellationToken);

        var last = visibleAfter.Count > 0 ? visibleAfter[^1] : target;
        var state = await StateAsync(user, roomId, last, [target, .. visibleBefore, .. visibleAfter], filter, cancellationToken);
        return new JsonObject
        {
            ["event"] = (await writer.FormatAsync(roomId, [target], user.UserId, user.DeviceId, includeRoomId: true, cancellationToken, bundleAggregations: true))[0]!.DeepClone(),
            ["events_before"] = await writer.FormatAsync(roomId, visibleBefore, user.UserId, user.DeviceId, includeRoomId: true, cancellationToken, bundleAggregations: true),
            ["events_after"] = await writer.FormatAsync(roomId, visibleAfter, user.UserId, user.DeviceId, includeRoomId: true, cancellationToken, bundleAggregations: true),
            ["start"] = PaginationToken.Format(Math.Max(start, 0)),
            ["end"] = PaginationToken.Format(end),
            ["state"] = state,
        };
    }

    private async Task<List<EventRecord>> VisibleAsync(string userId, IReadOnlyList<EventRecord> records, CancellationToken cancellationToken)
    {
        var visible = new List<EventRecord>(records.Count);
        foreach (var record in records)
            if (await visibility.CanSeeAsync(userId, record, cancellationToken))
                visible.Add(record);
        return visible;
    }

    /// <summary>The state after the last event returned, through the filter; with lazy loading only the members who sent a returned event (and the user).</summary>
    private async Task<JsonArray> StateAsync(RequestUser user, string roomId, EventRecord last, IReadOnlyList<EventRecord> returned, EventFilter filter,
        CancellationToken cancellationToken)
    {
        var state = await events.GetStateAfterAsync(last.EventId, cancellationToken) ?? [];
        var members = filter.LazyLoadMembers
            ? new HashSet<string>(returned.Select(e => e.Sender).Append(user.UserId), StringComparer.Ordinal)
            : null;
        var ids = state
            .Where(entry => members is null || entry.Key.Type != "m.room.member" || members.Contains(entry.Key.StateKey))
            .Select(entry => entry.Value)
            .ToList();
        var records = (await events.GetEventsAsync(ids, cancellationToken))
            .Where(r => filter.Allows(r.Type, r.Sender))
            .OrderBy(r => r.StreamOrdering ?? long.MinValue)
            .ToList();
        return await writer.FormatAsync(roomId, records, user.UserId, user.DeviceId, includeRoomId: true, cancellationToken);
    }
}
