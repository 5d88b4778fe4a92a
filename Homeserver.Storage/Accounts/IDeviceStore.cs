namespace Homeserver.Storage.Accounts;

/// <summary>Devices by user.</summary>
public interface IDeviceStore
{
    /// <summary>
    /// Creates the device, or when it exists records the new sighting and keeps its display name
    /// (the spec ignores <c>initial_device_display_name</c> for a known device). True when created.
    /// </summary>
    Task<bool> UpsertAsync(DeviceRecord device, CancellationToken cancellationToken);

    Task<DeviceRecord?> FindAsync(string userId, string deviceId, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeviceRecord>> ListAsync(string userId, CancellationToken cancellationToken);

    /// <summary>False when the user has no such device.</summary>
    Task<bool> SetDisplayNameAsync(string userId, string deviceId, string? displayName, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string userId, string deviceId, CancellationToken cancellationToken);

    Task<int> DeleteAllAsync(string userId, CancellationToken cancellationToken);
}
