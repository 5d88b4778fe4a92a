namespace Homeserver.Storage.E2ee;

/// <summary>A one-time or fallback key: its algorithm, its id and the key (a JSON string or object) as canonical JSON.</summary>
public sealed record OneTimeKeyRecord(string Algorithm, string KeyId, string KeyJson);

/// <summary>Unclaimed one-time keys of devices; each is handed out at most once.</summary>
public interface IOneTimeKeyStore
{
    /// <summary>
    /// Adds keys of one upload. A key already stored with the same content is left as it is; when one is
    /// stored with different content nothing is added and <see cref="StorageConflictException"/> is thrown.
    /// </summary>
    Task AddAsync(string userId, string deviceId, IReadOnlyList<OneTimeKeyRecord> keys, CancellationToken cancellationToken);

    /// <summary>Those of the given <c>algorithm:key id</c> pairs stored for the device, with their content.</summary>
    Task<IReadOnlyList<OneTimeKeyRecord>> FindAsync(string userId, string deviceId, IReadOnlyCollection<OneTimeKeyRecord> keys,
        CancellationToken cancellationToken);

    /// <summary>The number of unclaimed keys of the device per algorithm.</summary>
    Task<IReadOnlyDictionary<string, long>> CountAsync(string userId, string deviceId, CancellationToken cancellationToken);

    /// <summary>Removes and returns the device's oldest key of the algorithm; null when none is left.</summary>
    Task<OneTimeKeyRecord?> ClaimAsync(string userId, string deviceId, string algorithm, CancellationToken cancellationToken);

    Task DeleteForDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken);
}
