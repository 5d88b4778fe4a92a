namespace Homeserver.Storage.Events;

/// <summary>A change of a user's membership in a room: the member event and its stream position.</summary>
public sealed record MembershipChange(string RoomId, string EventId, string Membership, long StreamOrdering);

/// <summary>
/// Stream-ordered reads for sync and pagination. Only events with a stream position (no outliers)
/// that were neither rejected nor soft-failed are returned: those are the events clients see.
/// </summary>
public interface IRoomTimelineStore
{
    /// <summary>
    /// Events of the room with <paramref name="afterExclusive"/> &lt; stream ordering &lt;= <paramref name="upToInclusive"/>:
    /// forwards the oldest <paramref name="limit"/> ascending, backwards the newest <paramref name="limit"/> descending.
    /// </summary>
    Task<IReadOnlyList<EventRecord>> GetRoomEventsAsync(string roomId, long afterExclusive, long upToInclusive, bool backwards,
        int limit, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="GetRoomEventsAsync"/> backwards for several rooms in one read: each room's newest <paramref name="limitPerRoom"/>
    /// events in (after, upTo], descending, by room id (rooms without such events are absent).
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<EventRecord>>> GetLatestRoomEventsAsync(IReadOnlyCollection<string> roomIds, long afterExclusive,
        long upToInclusive, int limitPerRoom, CancellationToken cancellationToken);

    /// <summary>
    /// The rooms with any event (visible or not) at a stream position in (after, upTo]: a room outside it has nothing new
    /// for an incremental sync over that range. Its cost grows with the events in the range, so callers bound the range.
    /// </summary>
    Task<IReadOnlySet<string>> GetRoomsChangedBetweenAsync(long afterExclusive, long upToInclusive, CancellationToken cancellationToken);

    /// <summary>The id of the room's last visible event at or before the position, or null when there is none.</summary>
    Task<string?> GetLastEventIdAtAsync(string roomId, long upToInclusive, CancellationToken cancellationToken);

    /// <summary>
    /// The room's state after its last visible event at or before the position (the state a client synced up to there
    /// holds), or null when there is none: one statement, as <c>GetStateAfterAsync(GetLastEventIdAtAsync(...))</c> in one.
    /// </summary>
    Task<StateMap?> GetStateAtAsync(string roomId, long upToInclusive, CancellationToken cancellationToken);

    /// <summary>
    /// The room's events nearest to a timestamp in one direction, nearest first, for <c>/timestamp_to_event</c>:
    /// forwards those with origin_server_ts at or after <paramref name="cursor"/>, backwards those at or before it,
    /// ties broken by stream ordering. A cursor taken from the last event of a page continues after that event.
    /// </summary>
    Task<IReadOnlyList<EventRecord>> GetRoomEventsByTimestampAsync(string roomId, TimestampCursor cursor, bool backwards, int limit,
        CancellationToken cancellationToken);

    /// <summary>The user's membership events with stream ordering in (after, upTo], oldest first.</summary>
    Task<IReadOnlyList<MembershipChange>> GetMembershipChangesAsync(string userId, long afterExclusive, long upToInclusive,
        CancellationToken cancellationToken);

    /// <summary>
    /// The distinct (room, user) of the visible <c>m.room.member</c> events of the given rooms with stream ordering in (after, upTo]:
    /// whose membership of those rooms may have changed in the range. At most <paramref name="limit"/> pairs, those whose first
    /// such event comes earliest, in that order.
    /// </summary>
    Task<IReadOnlyList<(string RoomId, string UserId)>> GetMembersChangedInRoomsAsync(IReadOnlyCollection<string> roomIds, long afterExclusive,
        long upToInclusive, int limit, CancellationToken cancellationToken);

    /// <summary>The visible redaction events whose <c>redacts</c> is one of <paramref name="eventIds"/>, in stream order.</summary>
    Task<IReadOnlyList<EventRecord>> GetRedactionsOfAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken);

    /// <summary>Client transaction ids of those events that the given device sent, by event id.</summary>
    Task<IReadOnlyDictionary<string, string>> GetTransactionIdsAsync(string userId, string deviceId, IReadOnlyCollection<string> eventIds,
        CancellationToken cancellationToken);
}
