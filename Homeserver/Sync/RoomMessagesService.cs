using System.Text.Json.Nodes;
using Homeserver.Federation.History;
using Homeserver.Federation.Http;
using Homeserver.Http.Auth;
using Homeserver.Storage.Events;

namespace Homeserver.Sync;

/// <summary>
/// <c>GET /rooms/{roomId}/messages</c>: pages through a room's events in stream order between
/// pagination tokens. Current members may read the history, former members up to their leave;
/// others only a world-readable room. Paging backwards past the oldest events held here asks the
/// room's other servers for older ones (<see cref="RoomBackfiller"/>), which sort before them.
/// </summary>
public sealed class RoomMessagesService(IRoomEventStore events, IRoomTimelineStore timeline, RoomTimelineReader reader, ClientEventWriter writer,
    CurrentStateReader state, RoomBackfiller backfiller)
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 1000;

    public async Task<JsonObject> GetMessagesAsync(RequestUser user, string roomId, string? from, string? to, bool backwards, int limit,
        EventFilter filter, CancellationToken cancellationToken)
    {
        var max = await events.GetMaxStreamOrderingAsync(cancellationToken);
        max = await VisibleUpToAsync(user.UserId, roomId, max, cancellationToken);
        var fromPosition = Math.Min(from is null ? (backwards ? max : PaginationToken.Earliest) : PaginationToken.Parse(from, "from"), max);
        var toPosition = to is null ? (backwards ? PaginationToken.Earliest : max) : Math.Min(PaginationToken.Parse(to, "to"), max);
        var (after, upTo) = backwards ? (toPosition, fromPosition) : (fromPosition, toPosition);

        var slice = await reader.ReadAsync(roomId, after, upTo, backwards, limit, filter, cancellationToken);
        // The start of what is held here: older events may be on other servers.
        if (backwards && to is null && !slice.HasMore && slice.Events.Count < limit
            && await backfiller.BackfillAsync(roomId, cancellationToken) > 0)
            slice = await reader.ReadAsync(roomId, after, upTo, backwards, limit, filter, cancellationToken);
        var response = new JsonObject
        {
            ["chunk"] = await writer.FormatAsync(roomId, slice.Events, user.UserId, user.DeviceId, includeRoomId: true, cancellationToken,
                bundleAggregations: true),
            ["start"] = PaginationToken.Format(fromPosition),
        };
        if (slice.HasMore)
        {
            var last = slice.Events[^1].StreamOrdering!.Value;
            response["end"] = PaginationToken.Format(backwards ? last - 1 : last);
        }
        if (filter.LazyLoadMembers && slice.Events.Count > 0)
            response["state"] = await SenderMembersAsync(user, roomId, slice.Events, cancellationToken);
        return response;
    }

    /// <summary>The current member events of the chunk's senders.</summary>
    private async Task<JsonArray> SenderMembersAsync(RequestUser user, string roomId, IReadOnlyList<EventRecord> chunk, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        foreach (var sender in chunk.Select(e => e.Sender).Distinct(StringComparer.Ordinal))
            if (await events.GetCurrentStateEventIdAsync(roomId, "m.room.member", sender, cancellationToken) is { } id)
                ids.Add(id);
        var records = await events.GetEventsAsync(ids, cancellationToken);
        return await writer.FormatAsync(roomId, records, user.UserId, user.DeviceId, includeRoomId: true, cancellationToken);
    }

    /// <summary>The last stream position of the room the user may read (403 when none).</summary>
    private async Task<long> VisibleUpToAsync(string userId, string roomId, long max, CancellationToken cancellationToken)
    {
        if (await state.MembershipAsync(roomId, userId, cancellationToken) == "join")
            return max;
        if (await state.HistoryVisibilityAsync(roomId, cancellationToken) == "world_readable")
            return max;
        var memberships = (await timeline.GetMembershipChangesAsync(userId, 0, max, cancellationToken)).Where(m => m.RoomId == roomId).ToList();
        if (memberships.Count > 0 && memberships[^1].Membership is "leave" or "ban" && memberships.Any(m => m.Membership == "join"))
            return memberships[^1].StreamOrdering;
        throw MatrixException.Forbidden("You are not allowed to read the history of this room.");
    }
}
