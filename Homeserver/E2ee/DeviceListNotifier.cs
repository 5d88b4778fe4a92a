using Homeserver.Sync;

namespace Homeserver.E2ee;

/// <summary>
/// Wakes the syncs that may see a device-list change of a user (stored already by the key stores): the user's
/// own and those of everyone in a room the user is joined to. Changes of local users also go to the other servers
/// sharing a room with them.
/// </summary>
public sealed class DeviceListNotifier(SyncWakeups wakeups, SharedRooms sharedRooms, DeviceListFederation federation)
{
    /// <summary>Wakes the syncs only (a remote user's change, or one no other server needs to hear about).</summary>
    public async Task NotifyAsync(string userId, CancellationToken cancellationToken)
    {
        wakeups.SignalUser(userId);
        wakeups.SignalRooms(await sharedRooms.JoinedRoomsAsync(userId, cancellationToken));
    }

    /// <summary>A device of the user was added, changed its keys or name, or was deleted.</summary>
    public async Task DeviceChangedAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        await NotifyAsync(userId, cancellationToken);
        await federation.SendDeviceUpdateAsync(userId, deviceId, cancellationToken);
    }

    /// <summary>The user's master or self-signing key changed, or a signature was added to them.</summary>
    public async Task CrossSigningChangedAsync(string userId, CancellationToken cancellationToken)
    {
        await NotifyAsync(userId, cancellationToken);
        await federation.SendSigningKeyUpdateAsync(userId, cancellationToken);
    }
}
