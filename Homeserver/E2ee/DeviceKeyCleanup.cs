using Homeserver.Accounts;
using Homeserver.Storage.E2ee;

namespace Homeserver.E2ee;

/// <summary>
/// Keeps keys in step with devices: a deleted device (logout, device deletion, deactivation) loses its identity,
/// one-time and fallback keys and the signatures of its keys; a renamed device with keys is a device-list
/// change, as the name is served in <c>/keys/query</c>.
/// </summary>
public sealed class DeviceKeyCleanup(
    IDeviceKeyStore deviceKeys, IOneTimeKeyStore oneTimeKeys, IFallbackKeyStore fallbackKeys, IKeySignatureStore signatures,
    IDeviceListStore deviceLists, DeviceListNotifier notifier) : IDeviceChangeListener
{
    public async Task OnDeviceDeletedAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        await oneTimeKeys.DeleteForDeviceAsync(userId, deviceId, cancellationToken);
        await fallbackKeys.DeleteForDeviceAsync(userId, deviceId, cancellationToken);
        await signatures.DeleteForTargetAsync(userId, deviceId, cancellationToken);
        if (await deviceKeys.DeleteAsync(userId, deviceId, cancellationToken))
            await notifier.DeviceChangedAsync(userId, deviceId, cancellationToken);
    }

    public async Task OnDeviceRenamedAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        if (await deviceKeys.GetAsync(userId, deviceId, cancellationToken) is null)
            return;
        await deviceLists.AppendAsync([userId], cancellationToken);
        await notifier.DeviceChangedAsync(userId, deviceId, cancellationToken);
    }
}
