using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.Rooms;
using Homeserver.Storage.PublishedRooms;

namespace Homeserver.Spaces;

/// <summary>
/// Room summaries for users who are not necessarily in the room (<c>/room_summary</c> and the space hierarchy), and
/// who may see them. A user may see a room they are joined or invited to, a world-readable room, a room anyone may
/// join or knock on, and a restricted room they could join through one of its allowed rooms. Without a user (an
/// unauthenticated request) only world-readable, public and knockable rooms are shown. Banned users see nothing.
/// </summary>
public sealed class RoomSummaries(RoomSummaryBuilder builder, RoomStateReader reader, IPublishedRoomStore members, RoomDirectory aliases)
{
    public Task<RoomSummaryState?> LoadAsync(string roomId, CancellationToken cancellationToken) =>
        builder.LoadAsync(roomId, withSpaceChildren: true, cancellationToken);

    /// <summary>The <c>RoomSummary</c> of a room whose state is loaded, with its joined member count.</summary>
    public async Task<JsonObject> SummaryAsync(RoomSummaryState summary, CancellationToken cancellationToken) =>
        RoomSummaryBuilder.Summary(summary, await members.GetJoinedMemberCountAsync(summary.RoomId, cancellationToken));

    public async Task<bool> MaySeeAsync(string? userId, RoomSummaryState summary, CancellationToken cancellationToken)
    {
        var membership = userId is null ? null : await reader.GetMembershipAsync(summary.RoomId, userId, cancellationToken);
        if (membership is "join" or "invite")
            return true;
        if (membership == "ban")
            return false;
        if (summary.WorldReadable)
            return true;
        var rules = summary.Version?.Rules;
        switch (summary.JoinRule)
        {
            case "public":
                return true;
            case "knock":
                return rules?.KnockingAllowed == true;
            case "knock_restricted":
                return rules?.KnockRestrictedAllowed == true;
            case "restricted" when userId is not null && rules?.RestrictedJoinsAllowed == true && summary.AllowedRoomIds.Count > 0:
                // One query for the user's rooms, however long the (room-controlled) allow list is.
                var joined = await reader.Store.GetRoomsForUserAsync(userId, "join", cancellationToken);
                return summary.AllowedRoomIds.Intersect(joined, StringComparer.Ordinal).Any();
            default:
                return false;
        }
    }

    /// <summary>
    /// <c>GET /room_summary/{roomIdOrAlias}</c>: the summary, with the requester's membership when authenticated;
    /// 404 <c>M_NOT_FOUND</c> alike for unknown rooms and rooms the requester may not see, so existence is not revealed.
    /// </summary>
    public async Task<JsonObject> GetAsync(string? userId, string roomIdOrAlias, CancellationToken cancellationToken)
    {
        string roomId;
        if (roomIdOrAlias.StartsWith('#'))
        {
            if (!RoomAlias.IsValid(roomIdOrAlias))
                throw MatrixException.InvalidParam($"'{roomIdOrAlias}' is not a valid room alias.");
            roomId = await aliases.ResolveAsync(roomIdOrAlias, cancellationToken);
        }
        else if (RoomId.IsValid(roomIdOrAlias))
            roomId = roomIdOrAlias;
        else
            throw MatrixException.InvalidParam($"'{roomIdOrAlias}' is neither a room ID nor a room alias.");

        var summary = await LoadAsync(roomId, cancellationToken);
        if (summary is null || !await MaySeeAsync(userId, summary, cancellationToken))
            throw MatrixException.NotFound("Room not found.");
        var entry = await SummaryAsync(summary, cancellationToken);
        if (userId is not null)
            entry["membership"] = await reader.GetMembershipAsync(roomId, userId, cancellationToken) ?? "leave";
        return entry;
    }
}
