using System.Text.Json.Nodes;
using Homeserver.Notifications;
using Homeserver.Storage.Push;

namespace Homeserver.Sync;

/// <summary>
/// Unread notification counts per room and thread (rooms without any left out), as read for a sync; writes each joined
/// room's <c>unread_notifications</c> and, when the timeline filter asks for them, <c>unread_thread_notifications</c>.
/// </summary>
public sealed class RoomUnreadCounts(IReadOnlyDictionary<string, IReadOnlyList<ThreadNotificationCounts>> byRoom)
{
    public static readonly RoomUnreadCounts None = new(new Dictionary<string, IReadOnlyList<ThreadNotificationCounts>>());

    /// <summary>Writes the counts into the joined rooms' sections (keyed by room id); a room read without counts gets zeros.</summary>
    public void AddTo(IReadOnlyDictionary<string, JsonObject> joinedRooms, SyncRequest request)
    {
        foreach (var (roomId, joinedRoom) in joinedRooms)
            AddTo(joinedRoom, request, byRoom.GetValueOrDefault(roomId) ?? []);
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

    private static JsonObject Counts(long notifications, long highlights) => new()
    {
        ["highlight_count"] = highlights,
        ["notification_count"] = notifications,
    };
}
