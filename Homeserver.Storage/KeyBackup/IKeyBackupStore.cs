namespace Homeserver.Storage.KeyBackup;

/// <summary>A backup version of a user: its algorithm and auth data, the etag of its keys and how many it holds.</summary>
public sealed record BackupVersionRecord(long Version, string Algorithm, string AuthDataJson, long Etag, long Count);

/// <summary>The backed-up key of one megolm session; <paramref name="SessionDataJson"/> is the encrypted data as JSON.</summary>
public sealed record BackedUpKey(string RoomId, string SessionId, long FirstMessageIndex, long ForwardedCount, bool IsVerified, string SessionDataJson);

/// <summary>What became of a write of keys.</summary>
public enum BackupKeysStatus
{
    /// <summary>Written; the result has the version's etag and count.</summary>
    Done,

    /// <summary>The user has no such version (never created, or deleted).</summary>
    UnknownVersion,

    /// <summary>The version exists but a later one was created: keys go only to the latest.</summary>
    NotLatestVersion,
}

/// <summary>The outcome of a write of keys; <paramref name="LatestVersion"/> is set when the user has a backup.</summary>
public sealed record BackupKeysResult(BackupKeysStatus Status, long Etag, long Count, long? LatestVersion);

/// <summary>
/// Server-side room key backups per user: numbered versions (never reused, deleted ones remembered) and the
/// keys of each version. The store knows no rule about which key is better; writers pass that in.
/// </summary>
public interface IKeyBackupStore
{
    /// <summary>Creates the next version, which becomes the latest, and returns its number.</summary>
    Task<long> CreateVersionAsync(string userId, string algorithm, string authDataJson, CancellationToken cancellationToken);

    /// <summary>The version (the latest when <paramref name="version"/> is null), or null when there is none or it was deleted.</summary>
    Task<BackupVersionRecord?> GetVersionAsync(string userId, long? version, CancellationToken cancellationToken);

    /// <summary>Replaces the auth data of a version; false when there is no such version or it was deleted.</summary>
    Task<bool> UpdateAuthDataAsync(string userId, long version, string authDataJson, CancellationToken cancellationToken);

    /// <summary>Deletes a version and its keys; true when it exists or existed (deleting twice succeeds), false when it never did.</summary>
    Task<bool> DeleteVersionAsync(string userId, long version, CancellationToken cancellationToken);

    /// <summary>
    /// Stores keys in the latest version: a session's existing key is replaced only when
    /// <paramref name="replaces"/>(incoming, existing) says so. The etag changes when any key was written.
    /// </summary>
    Task<BackupKeysResult> PutKeysAsync(string userId, long version, IReadOnlyList<BackedUpKey> keys, Func<BackedUpKey, BackedUpKey, bool> replaces,
        CancellationToken cancellationToken);

    /// <summary>
    /// The keys of a version, of one room or of one session of it, ordered by room and session; null when the
    /// version is unknown or deleted.
    /// </summary>
    Task<IReadOnlyList<BackedUpKey>?> GetKeysAsync(string userId, long version, string? roomId, string? sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the keys of a version, of one room or of one session of it (any version, not only the latest).
    /// The etag changes when any key was deleted.
    /// </summary>
    Task<BackupKeysResult> DeleteKeysAsync(string userId, long version, string? roomId, string? sessionId, CancellationToken cancellationToken);
}
