using Homeserver.Federation.Http;
using Homeserver.Storage.Events;

namespace Homeserver.Rooms;

/// <summary>
/// <c>GET /timestamp_to_event</c>: the room event nearest to a timestamp in one direction that the user may see
/// (history visibility applies to each candidate). Only this server's copy of the room is searched.
/// </summary>
public sealed class EventByTimestamp(RoomStateReader reader, HistoryVisibility visibility, IRoomTimelineStore timeline)
{
    private const int PageSize = 50;
    /// <summary>How many invisible candidates are skipped at most before answering not found: bounds the work of one request.</summary>
    private const int MaxCandidates = 500;

    /// <summary>The event; 403 for users who never were in a room that is not world readable, 404 when there is none to see.</summary>
    public async Task<EventRecord> FindAsync(string userId, string roomId, long timestamp, bool backwards, CancellationToken cancellationToken)
    {
        await reader.RequireRoomAsync(roomId, cancellationToken);
        if (await reader.GetMembershipAsync(roomId, userId, cancellationToken) is null && !await visibility.IsWorldReadableNowAsync(roomId, cancellationToken))
            throw MatrixException.Forbidden("You are not a member of this room.");
        var cursor = new TimestampCursor(timestamp);
        for (var seen = 0; seen < MaxCandidates;)
        {
            var page = await timeline.GetRoomEventsByTimestampAsync(roomId, cursor, backwards, PageSize, cancellationToken);
            foreach (var candidate in page)
                if (await visibility.CanSeeAsync(userId, candidate, cancellationToken)) return candidate;
            if (page.Count < PageSize) break;
            seen += page.Count;
            cursor = TimestampCursor.After(page[^1]);
        }
        throw MatrixException.NotFound($"Unable to find an event from {timestamp} in the {(backwards ? "backward" : "forward")} direction.");
    }
}
