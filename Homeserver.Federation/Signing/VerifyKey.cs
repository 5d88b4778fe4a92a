using Homeserver.Federation.Json;
using NSec.Cryptography;

namespace Homeserver.Federation.Signing;

/// <summary>
/// A public key that checks signatures of one server, with its key id (<c>ed25519:version</c>) and,
/// when known, the last moment it may be used (<c>valid_until_ts</c> of a current key, or
/// <c>expired_ts</c> of an old one), in milliseconds since the epoch.
/// </summary>
public sealed record VerifyKey
{
    public VerifyKey(string keyId, ReadOnlySpan<byte> publicKey, long? validUntilTs = null)
    {
        if (!keyId.StartsWith("ed25519:", StringComparison.Ordinal) || !SigningKey.IsValidVersion(keyId["ed25519:".Length..]))
            throw new FormatException($"unsupported key id \"{keyId}\" (expected ed25519:[a-zA-Z0-9_]+)");
        if (publicKey.Length != 32 ||
            !NSec.Cryptography.PublicKey.TryImport(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out var imported))
            throw new FormatException("an ed25519 public key is 32 bytes");
        KeyId = keyId;
        Key = imported!;
        ValidUntilTs = validUntilTs;
    }

    public string KeyId { get; }
    public long? ValidUntilTs { get; }

    /// <summary>The imported NSec key, kept so verification does not re-import it each time.</summary>
    internal NSec.Cryptography.PublicKey Key { get; }

    public byte[] PublicKey => Key.Export(KeyBlobFormat.RawPublicKey);

    /// <summary>A key from its unpadded base64 form, as published in <c>verify_keys</c>.</summary>
    public static VerifyKey FromBase64(string keyId, string publicKeyBase64, long? validUntilTs = null) =>
        UnpaddedBase64.TryDecode(publicKeyBase64, out var bytes)
            ? new VerifyKey(keyId, bytes, validUntilTs)
            : throw new FormatException("the public key is not base64");

    public static VerifyKey FromSigningKey(SigningKey key, long? validUntilTs = null) => new(key.KeyId, key.PublicKey, validUntilTs);

    /// <summary>True unless the key is known to have expired before the given time.</summary>
    public bool IsValidAt(long timestampMs) => ValidUntilTs is null || ValidUntilTs.Value >= timestampMs;

    /// <summary>Keys are equal when id, public key bytes and validity are.</summary>
    public bool Equals(VerifyKey? other) =>
        other is not null && KeyId == other.KeyId && ValidUntilTs == other.ValidUntilTs && PublicKey.AsSpan().SequenceEqual(other.PublicKey);

    public override int GetHashCode() => HashCode.Combine(KeyId, ValidUntilTs);

    internal bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == 64 && SignatureAlgorithm.Ed25519.Verify(Key, data, signature);
}
