using Homeserver.Accounts;
using Homeserver.Storage.E2ee;

namespace Homeserver.E2ee;

/// <summary>A dehydrated device deleted as a device (device deletion, logout of all devices, deactivation) stops being one.</summary>
public sealed class DehydratedDeviceCleanup(IDehydratedDeviceStore store) : IDeviceChangeListener
{
    public Task OnDeviceDeletedAsync(string userId, string deviceId, CancellationToken cancellationToken) =>
        store.DeleteAsync(userId, deviceId, cancellationToken);

    public Task OnDeviceRenamedAsync(string userId, string deviceId, CancellationToken cancellationToken) => Task.CompletedTask;
}
