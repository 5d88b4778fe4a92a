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

    public async Task<RoomUnreadCounts> ReadAsync(IReadOnlyCollection<string> roomIds, SyncRequest request, long upToRoomPosition,
        CancellationToken cancellationToken)
    {
        if (roomIds.Count == 0) return RoomUnreadCounts.None;
        await Task.WhenAll(roomIds.Select(roomId => progress.WaitUntilEvaluatedAsync(roomId, upToRoomPosition, MaxEvaluationWait, cancellationToken)));
        return new RoomUnreadCounts(await store.GetUnreadCountsAsync(request.UserId, roomIds, cancellationToken));
    }

    /// <summary>Unread notifications across all the user's rooms (the <c>unread</c> count pushed to gateways).</summary>
    public async Task<long> GetTotalUnreadAsync(string userId, CancellationToken cancellationToken)
    {
        var rooms = await store.GetRoomsWithNotificationsAsync(userId, cancellationToken);
        return (await store.GetUnreadCountsAsync(userId, [.. rooms], cancellationToken)).Values.Sum(counts => counts.Sum(c => c.NotificationCount));
    }
}
