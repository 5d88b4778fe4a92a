using Homeserver.Sync;

namespace Homeserver.E2ee;

/// <summary>
/// Wakes the syncs that may see a device-list change of a user (stored already by the key stores): the user's
/// own and those of everyone in a room the user is joined to.
/// </summary>
public sealed class DeviceListNotifier(SyncWakeups wakeups, SharedRooms sharedRooms)
{
    public async Task NotifyAsync(string userId, CancellationToken cancellationToken)
    {
        wakeups.SignalUser(userId);
        wakeups.SignalRooms(await sharedRooms.JoinedRoomsAsync(userId, cancellationToken));
    }
}
