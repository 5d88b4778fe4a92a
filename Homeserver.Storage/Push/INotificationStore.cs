namespace Homeserver.Storage.Push;

/// <summary>A notification a user's push rules produced for an event; <see cref="ThreadId"/> is "main" outside threads.</summary>
/// <param name="ActionsJson">The matched rule's actions, a JSON array.</param>
/// <param name="Ts">When the notification was made, in milliseconds since the epoch.</param>
public sealed record NotificationRecord(string UserId, string RoomId, string EventId, long StreamOrdering, string ThreadId, bool Highlight,
    string ActionsJson, long Ts);

/// <summary>
/// The notification an event gives every local member who was joined to its room when it was sent (from their
/// <see cref="NotificationAudienceChange"/> on), except its sender and the members with their own
/// <see cref="NotificationRecord"/> or <see cref="NotificationSuppression"/> for it: the outcome most members' rules
/// gave, stored once instead of once per member.
/// </summary>
public sealed record RoomNotificationRecord(string RoomId, string EventId, long StreamOrdering, string ThreadId, string Sender, bool Highlight,
    string ActionsJson, long Ts);

/// <summary>That a member's rules gave no notification for an event whose <see cref="RoomNotificationRecord"/> would give them one.</summary>
public sealed record NotificationSuppression(string UserId, string RoomId, string EventId, long StreamOrdering, string ThreadId);

/// <summary>
/// That a local user joined a room at this position (<paramref name="Joined"/>), or left it: the room's notifications are
/// theirs while they are joined.
/// </summary>
public sealed record NotificationAudienceChange(string UserId, string RoomId, long StreamOrdering, bool Joined);

/// <summary>What evaluating a run of events produced, written together.</summary>
public sealed record NotificationWrites
{
    public IReadOnlyList<RoomNotificationRecord> RoomNotifications { get; init; } = [];
    public IReadOnlyList<NotificationRecord> UserNotifications { get; init; } = [];
    public IReadOnlyList<NotificationSuppression> Suppressions { get; init; } = [];
    /// <summary>In stream order.</summary>
    public IReadOnlyList<NotificationAudienceChange> AudienceChanges { get; init; } = [];
    public IReadOnlyList<SentEventReadMark> ReadMarks { get; init; } = [];

    public bool IsEmpty => RoomNotifications.Count == 0 && UserNotifications.Count == 0 && Suppressions.Count == 0 && AudienceChanges.Count == 0
        && ReadMarks.Count == 0;
}

/// <summary>That a user sent an event at this position in a thread of a room (it reads what came before).</summary>
public sealed record SentEventReadMark(string UserId, string RoomId, string ThreadId, long StreamOrdering);

/// <summary>Unread notifications of one thread of a room ("main" for the main timeline).</summary>
public sealed record ThreadNotificationCounts(string ThreadId, long NotificationCount, long HighlightCount);

/// <summary>
/// How far a user has read a room, as stream positions: <see cref="Unthreaded"/> from unthreaded receipts,
/// and per thread from threaded receipts and the user's own events. An event is read when its position is
/// at or below the higher of the unthreaded position and its thread's.
/// </summary>
public sealed record ReadPositions(long Unthreaded, IReadOnlyDictionary<string, long> ByThread)
{
    public long For(string threadId) => Math.Max(Unthreaded, ByThread.GetValueOrDefault(threadId));
}

public interface INotificationStore
{
    /// <summary>Stores notifications of single users; one already stored for the same user and event is kept.</summary>
    Task AddAsync(IReadOnlyList<NotificationRecord> notifications, CancellationToken cancellationToken);

    /// <summary>Records that the user sent an event at this position in the thread (it reads what came before).</summary>
    Task MarkReadBySendingAsync(string userId, string roomId, string threadId, long streamOrdering, CancellationToken cancellationToken);

    /// <summary>
    /// What evaluating a run of events produced, in one transaction: room and user notifications and suppressions (rows
    /// already stored for the same event are kept), audience changes and read marks (the highest position wins).
    /// </summary>
    Task RecordAsync(NotificationWrites writes, CancellationToken cancellationToken);

    /// <summary>The user's read positions in a room from m.read and m.read.private receipts and the user's own events.</summary>
    Task<ReadPositions> GetReadPositionsAsync(string userId, string roomId, CancellationToken cancellationToken);

    /// <summary>
    /// Unread notifications of the user in the room, per thread (threads without any are left out): their own, and the
    /// room's while they are joined.
    /// </summary>
    Task<IReadOnlyList<ThreadNotificationCounts>> GetUnreadCountsAsync(string userId, string roomId, CancellationToken cancellationToken);

    /// <summary>As <see cref="GetUnreadCountsAsync(string, string, CancellationToken)"/> for many rooms at once (rooms without unread notifications are left out).</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<ThreadNotificationCounts>>> GetUnreadCountsAsync(string userId, IReadOnlyCollection<string> roomIds,
        CancellationToken cancellationToken);

    /// <summary>
    /// Rooms where the user may have unread notifications: rooms with their own, and joined rooms with room notifications
    /// since their join.
    /// </summary>
    Task<IReadOnlyList<string>> GetRoomsWithNotificationsAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// The user's notifications below <paramref name="beforeStreamOrdering"/> (all when null), newest first: their own, and
    /// the rooms' for the times they were joined (as records for the user).
    /// </summary>
    Task<IReadOnlyList<NotificationRecord>> GetPageAsync(string userId, long? beforeStreamOrdering, int limit, bool onlyHighlight,
        CancellationToken cancellationToken);
}
