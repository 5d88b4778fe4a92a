using Homeserver.Accounts;
using Homeserver.Storage.ToDevice;

namespace Homeserver.ToDevice;

/// <summary>Deletes a device's undelivered to-device messages when the device goes (logout, deletion, deactivation).</summary>
public sealed class ToDeviceInboxCleanup(IToDeviceStore inbox) : IDeviceChangeListener
{
    public Task OnDeviceDeletedAsync(string userId, string deviceId, CancellationToken cancellationToken) =>
        inbox.DeleteDeviceAsync(userId, deviceId, cancellationToken);

    public Task OnDeviceRenamedAsync(string userId, string deviceId, CancellationToken cancellationToken) => Task.CompletedTask;
}
