namespace Homeserver.Storage.E2ee;

/// <summary>A user's dehydrated device (MSC3814): its device id and the client's opaque <c>device_data</c> JSON.</summary>
public sealed record DehydratedDeviceRecord(string UserId, string DeviceId, string DeviceDataJson);

/// <summary>Which device of each user is the dehydrated one; a user has at most one.</summary>
public interface IDehydratedDeviceStore
{
    /// <summary>Records the user's dehydrated device, replacing any other; returns the device id it replaced, if any.</summary>
    Task<string?> SetAsync(DehydratedDeviceRecord record, CancellationToken cancellationToken);

    Task<DehydratedDeviceRecord?> GetAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Forgets the user's dehydrated device if it is <paramref name="deviceId"/>; true when it was.</summary>
    Task<bool> DeleteAsync(string userId, string deviceId, CancellationToken cancellationToken);
}
