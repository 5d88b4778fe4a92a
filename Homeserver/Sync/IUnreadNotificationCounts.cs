using System.Text.Json.Nodes;

namespace Homeserver.Sync;

/// <summary>
/// Writes a joined room's <c>unread_notifications</c> (and, when the timeline filter asks for
/// <c>unread_thread_notifications</c>, the per-thread counts) into its sync section, counting the
/// notifications of every event up to <c>upToRoomPosition</c>.
/// </summary>
public interface IUnreadNotificationCounts
{
    Task AddToAsync(JsonObject joinedRoom, SyncRequest request, string roomId, long upToRoomPosition, CancellationToken cancellationToken);
}
