namespace Homeserver.Storage.E2ee;

/// <summary>
/// One cross-signing key of a user: <see cref="KeyType"/> is <c>master</c>, <c>self_signing</c> or
/// <c>user_signing</c>, <see cref="KeyId"/> is <c>ed25519:</c> and the public key, the JSON as uploaded.
/// </summary>
public sealed record CrossSigningKeyRecord(string UserId, string KeyType, string KeyId, string KeyJson);

/// <summary>Users' current cross-signing keys.</summary>
public interface ICrossSigningKeyStore
{
    /// <summary>The current keys of the given users.</summary>
    Task<IReadOnlyList<CrossSigningKeyRecord>> GetForUsersAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the keys (all of one user), replacing the user's keys of the same types; signatures made by
    /// the replaced keys are deleted, and a device-list change of the user is recorded, in one transaction.
    /// </summary>
    Task SetAsync(string userId, IReadOnlyList<CrossSigningKeyRecord> keys, CancellationToken cancellationToken);
}
