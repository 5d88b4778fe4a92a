using System.Text.Json.Nodes;

namespace Homeserver.Sync;

/// <summary>
/// Writes the joined rooms' <c>unread_notifications</c> (and, when the timeline filter asks for
/// <c>unread_thread_notifications</c>, the per-thread counts) into their sync sections (keyed by room id),
/// counting the notifications of every event up to <c>upToRoomPosition</c>; all rooms of a response at once.
/// </summary>
public interface IUnreadNotificationCounts
{
    Task AddToAsync(IReadOnlyDictionary<string, JsonObject> joinedRooms, SyncRequest request, long upToRoomPosition, CancellationToken cancellationToken);
}
