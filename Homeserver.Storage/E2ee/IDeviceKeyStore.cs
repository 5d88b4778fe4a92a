namespace Homeserver.Storage.E2ee;

/// <summary>A device's identity keys as uploaded: canonical JSON with the device's own signatures.</summary>
public sealed record DeviceKeysRecord(string UserId, string DeviceId, string KeyJson);

/// <summary>Device identity keys; every change also records a device-list change of the user.</summary>
public interface IDeviceKeyStore
{
    Task<DeviceKeysRecord?> GetAsync(string userId, string deviceId, CancellationToken cancellationToken);

    /// <summary>The keys of all devices of the given users.</summary>
    Task<IReadOnlyList<DeviceKeysRecord>> GetForUsersAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken);

    /// <summary>Stores (or replaces) the device's keys and records a device-list change of the user.</summary>
    Task SetAsync(DeviceKeysRecord keys, long ts, CancellationToken cancellationToken);

    /// <summary>Deletes the device's keys; records a device-list change when there were any. True when keys were deleted.</summary>
    Task<bool> DeleteAsync(string userId, string deviceId, CancellationToken cancellationToken);
}
