namespace Homeserver.Storage.Push;

/// <summary>A notification a user's push rules produced for an event; <see cref="ThreadId"/> is "main" outside threads.</summary>
/// <param name="ActionsJson">The matched rule's actions, a JSON array.</param>
/// <param name="Ts">When the notification was made, in milliseconds since the epoch.</param>
public sealed record NotificationRecord(string UserId, string RoomId, string EventId, long StreamOrdering, string ThreadId, bool Highlight,
    string ActionsJson, long Ts);

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
    /// <summary>Stores notifications; one already stored for the same user and event is kept.</summary>
    Task AddAsync(IReadOnlyList<NotificationRecord> notifications, CancellationToken cancellationToken);

    /// <summary>Records that the user sent an event at this position in the thread (it reads what came before).</summary>
    Task MarkReadBySendingAsync(string userId, string roomId, string threadId, long streamOrdering, CancellationToken cancellationToken);

    /// <summary>
    /// What evaluating a run of events produced, in one transaction: their notifications (as <see cref="AddAsync"/>) and
    /// their local senders' read marks (as <see cref="MarkReadBySendingAsync"/>; the highest position wins).
    /// </summary>
    Task RecordAsync(IReadOnlyList<NotificationRecord> notifications, IReadOnlyList<SentEventReadMark> readMarks, CancellationToken cancellationToken);

    /// <summary>The user's read positions in a room from m.read and m.read.private receipts and the user's own events.</summary>
    Task<ReadPositions> GetReadPositionsAsync(string userId, string roomId, CancellationToken cancellationToken);

    /// <summary>Unread notifications of the user in the room, per thread (threads without any are left out).</summary>
    Task<IReadOnlyList<ThreadNotificationCounts>> GetUnreadCountsAsync(string userId, string roomId, CancellationToken cancellationToken);

    /// <summary>Rooms where the user has notifications (read or not).</summary>
    Task<IReadOnlyList<string>> GetRoomsWithNotificationsAsync(string userId, CancellationToken cancellationToken);

    /// <summary>The user's notifications below <paramref name="beforeStreamOrdering"/> (all when null), newest first.</summary>
    Task<IReadOnlyList<NotificationRecord>> GetPageAsync(string userId, long? beforeStreamOrdering, int limit, bool onlyHighlight,
        CancellationToken cancellationToken);
}
