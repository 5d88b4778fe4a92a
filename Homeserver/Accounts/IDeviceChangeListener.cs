namespace Homeserver.Accounts;

/// <summary>
/// Told after a device is deleted (logout, device deletion, deactivation) or renamed; end-to-end encryption
/// keys hang on devices this way. Register implementations in the service container.
/// </summary>
public interface IDeviceChangeListener
{
    Task OnDeviceDeletedAsync(string userId, string deviceId, CancellationToken cancellationToken);

    Task OnDeviceRenamedAsync(string userId, string deviceId, CancellationToken cancellationToken);
}
