namespace Homeserver.Sync;

/// <summary>
/// The joined rooms' unread notification counts for a sync: read for all the rooms of a response at once, counting the
/// notifications of every event up to <c>upToRoomPosition</c>, then written into the sections returned
/// (<see cref="RoomUnreadCounts.AddTo"/>).
/// </summary>
public interface IUnreadNotificationCounts
{
    Task<RoomUnreadCounts> ReadAsync(IReadOnlyCollection<string> roomIds, SyncRequest request, long upToRoomPosition, CancellationToken cancellationToken);
}
