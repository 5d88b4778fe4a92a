using Homeserver.Storage.Events;

namespace Homeserver.Rooms;

/// <summary>
/// Whether a user may see a room event, by the rules of the history visibility module: the room's
/// <c>history_visibility</c> and the user's membership at the event, and whether they joined after it.
/// </summary>
public sealed class HistoryVisibility(RoomStateReader reader, IRoomReadStore reads)
{
    public const string WorldReadable = "world_readable";
    public const string Shared = "shared";
    public const string Invited = "invited";
    public const string Joined = "joined";

    /// <summary>The decision for one view of the room at the event (state before or after it).</summary>
    public static bool Allows(string? visibility, string? membershipAtEvent, bool joinedLater)
    {
        visibility = visibility is WorldReadable or Invited or Joined ? visibility : Shared; // unknown or absent means shared
        if (visibility == WorldReadable) return true;
        if (membershipAtEvent == "join") return true;
        if (visibility == Shared && joinedLater) return true;
        return visibility == Invited && membershipAtEvent == "invite";
    }

    /// <summary>
    /// Whether <paramref name="userId"/> may see the stored event. A history visibility event, or the
    /// user's own membership event, is visible if the state before or after it allows it.
    /// </summary>
    public async Task<bool> CanSeeAsync(string userId, EventRecord ev, CancellationToken cancellationToken)
    {
        if (ev.IsOutlier || ev.IsRejected || ev.IsSoftFailed) return false;
        var joinedLater = ev.StreamOrdering is { } position && await reads.HasJoinedAfterAsync(ev.RoomId, userId, position, cancellationToken);
        var before = await reader.Store.GetStateBeforeAsync(ev.EventId, cancellationToken);
        if (before is null) return false;
        if (await AllowsAtAsync(before, userId, joinedLater, cancellationToken)) return true;
        var changesTheRule = ev.Type == "m.room.history_visibility" && ev.StateKey == ""
            || ev.Type == "m.room.member" && ev.StateKey == userId;
        if (!changesTheRule) return false;
        var after = await reader.Store.GetStateAfterAsync(ev.EventId, cancellationToken);
        return after is not null && await AllowsAtAsync(after, userId, joinedLater, cancellationToken);
    }

    /// <summary>Whether the room's current state lets anyone read it (world_readable).</summary>
    public async Task<bool> IsWorldReadableNowAsync(string roomId, CancellationToken cancellationToken) =>
        RoomStateReader.StringField(await reader.GetCurrentContentAsync(roomId, "m.room.history_visibility", "", cancellationToken),
            "history_visibility") == WorldReadable;

    private async Task<bool> AllowsAtAsync(StateMap state, string userId, bool joinedLater, CancellationToken cancellationToken)
    {
        var ids = new List<string>(2);
        if (state.TryGetValue(("m.room.history_visibility", ""), out var visibilityId)) ids.Add(visibilityId);
        if (state.TryGetValue(("m.room.member", userId), out var memberId)) ids.Add(memberId);
        var events = ids.Count == 0 ? [] : await reader.Store.GetEventsAsync(ids, cancellationToken);
        var visibility = events.FirstOrDefault(e => e.EventId == visibilityId) is { } v
            ? RoomStateReader.StringField(RoomStateReader.ContentOf(v), "history_visibility") : null;
        var membership = events.FirstOrDefault(e => e.EventId == memberId) is { } m
            ? RoomStateReader.MembershipOf(RoomStateReader.ContentOf(m)) : null;
        return Allows(visibility, membership, joinedLater);
    }
}
