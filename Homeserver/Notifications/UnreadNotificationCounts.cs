using System.Text.Json.Nodes;
using Homeserver.Storage.Push;
using Homeserver.Sync;

namespace Homeserver.Notifications;

/// <summary>
/// Unread notification counts: per room for sync (after waiting for the push evaluation of the events the
/// sync returns; all rooms of a response in one read) and in total for a pusher's badge.
/// </summary>
public sealed class UnreadNotificationCounts(INotificationStore store, PushEvaluationProgress progress) : IUnreadNotificationCounts
{
    /// <summary>The longest a sync waits for push evaluation to catch up before it sends the counts it has.</summary>
    public static readonly TimeSpan MaxEvaluationWait = TimeSpan.FromSeconds(1);

    public async Task AddToAsync(IReadOnlyDictionary<string, JsonObject> joinedRooms, SyncRequest request, long upToRoomPosition,
        CancellationToken cancellationToken)
    {
        if (joinedRooms.Count == 0) return;
        await Task.WhenAll(joinedRooms.Keys.Select(roomId => progress.WaitUntilEvaluatedAsync(roomId, upToRoomPosition, MaxEvaluationWait, cancellationToken)));
        var counts = await store.GetUnreadCountsAsync(request.UserId, [.. joinedRooms.Keys], cancellationToken);
        foreach (var (roomId, joinedRoom) in joinedRooms)
            AddTo(joinedRoom, request, counts.GetValueOrDefault(roomId) ?? []);
    }

    private static void AddTo(JsonObject joinedRoom, SyncRequest request, IReadOnlyList<ThreadNotificationCounts> counts)
    {
        if (!request.Filter.Timeline.UnreadThreadNotifications)
        {
            joinedRoom["unread_notifications"] = Counts(counts.Sum(c => c.NotificationCount), counts.Sum(c => c.HighlightCount));
            return;
        }
        var main = counts.FirstOrDefault(c => c.ThreadId == RoomEventPushProcessor.MainThread);
        joinedRoom["unread_notifications"] = Counts(main?.NotificationCount ?? 0, main?.HighlightCount ?? 0);
        var threads = new JsonObject();
        foreach (var thread in counts.Where(c => c.ThreadId != RoomEventPushProcessor.MainThread && c.NotificationCount > 0).OrderBy(c => c.ThreadId, StringComparer.Ordinal))
            threads[thread.ThreadId] = Counts(thread.NotificationCount, thread.HighlightCount);
        if (threads.Count > 0)
            joinedRoom["unread_thread_notifications"] = threads;
    }

    /// <summary>Unread notifications across all the user's rooms (the <c>unread</c> count pushed to gateways).</summary>
    public async Task<long> GetTotalUnreadAsync(string userId, CancellationToken cancellationToken)
    {
        var rooms = await store.GetRoomsWithNotificationsAsync(userId, cancellationToken);
        return (await store.GetUnreadCountsAsync(userId, [.. rooms], cancellationToken)).Values.Sum(counts => counts.Sum(c => c.NotificationCount));
    }

    private static JsonObject Counts(long notifications, long highlights) => new()
    {
        ["highlight_count"] = highlights,
        ["notification_count"] = notifications,
    };
}
