namespace Homeserver.Storage.E2ee;

/// <summary>Fallback keys: one per device and algorithm, handed out when no one-time key is left and kept.</summary>
public interface IFallbackKeyStore
{
    /// <summary>
    /// Replaces the device's fallback key of the key's algorithm; it is unused again, unless it is the same key
    /// (id and content) as the stored one, which keeps its state.
    /// </summary>
    Task SetAsync(string userId, string deviceId, OneTimeKeyRecord key, CancellationToken cancellationToken);

    /// <summary>Marks the device's fallback key of the algorithm used and returns it; null when there is none.</summary>
    Task<OneTimeKeyRecord?> ClaimAsync(string userId, string deviceId, string algorithm, CancellationToken cancellationToken);

    /// <summary>The algorithms of the device's fallback keys not handed out yet.</summary>
    Task<IReadOnlyList<string>> GetUnusedAlgorithmsAsync(string userId, string deviceId, CancellationToken cancellationToken);

    Task DeleteForDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken);
}
