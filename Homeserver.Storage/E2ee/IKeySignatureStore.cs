namespace Homeserver.Storage.E2ee;

/// <summary>
/// A signature uploaded through <c>/keys/signatures/upload</c>: the signer's key (<c>ed25519:...</c>) over the
/// target user's key, named by its device id or its cross-signing public key.
/// </summary>
public sealed record KeySignatureRecord(string SignerUserId, string SignerKeyId, string TargetUserId, string TargetKeyId, string Signature);

/// <summary>Signatures of device and cross-signing keys, merged into the keys when they are queried.</summary>
public interface IKeySignatureStore
{
    /// <summary>Stores the signatures (replacing the same signer's earlier ones) and records a device-list change of each user named.</summary>
    Task AddAsync(IReadOnlyList<KeySignatureRecord> signatures, IReadOnlyCollection<string> changedUserIds, CancellationToken cancellationToken);

    /// <summary>The signatures of the given users' keys.</summary>
    Task<IReadOnlyList<KeySignatureRecord>> GetForTargetsAsync(IReadOnlyCollection<string> targetUserIds, CancellationToken cancellationToken);

    /// <summary>Deletes the signatures of one key (a deleted device).</summary>
    Task DeleteForTargetAsync(string targetUserId, string targetKeyId, CancellationToken cancellationToken);
}
