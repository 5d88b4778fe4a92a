using Homeserver.Federation.Json;
using NSec.Cryptography;

namespace Homeserver.Federation.Signing;

/// <summary>A server's ed25519 signing key with its key id (<c>ed25519:version</c>).</summary>
public sealed class SigningKey : IDisposable
{
    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;
    private readonly Key _key;

    private SigningKey(string version, Key key)
    {
        Version = version;
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        PublicKeyBase64 = UnpaddedBase64.Encode(PublicKey);
    }

    /// <summary>The key version, e.g. <c>a_AbCd</c>.</summary>
    public string Version { get; }
    /// <summary>The key id as used in signatures: <c>ed25519:{Version}</c>.</summary>
    public string KeyId => "ed25519:" + Version;
    public byte[] PublicKey { get; }
    public string PublicKeyBase64 { get; }

    public static SigningKey FromSeed(string version, ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32) throw new FormatException("an ed25519 seed is 32 bytes");
        if (!IsValidVersion(version)) throw new FormatException("key version must be [a-zA-Z0-9_]+");
        var key = Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return new SigningKey(version, key);
    }

    /// <summary>A new random key with a Synapse-style version (<c>a_</c> + 4 random characters).</summary>
    public static SigningKey Generate()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        var version = "a_" + string.Create(4, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(alphabet.Length)];
        });
        return FromSeed(version, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    }

    public byte[] ExportSeed() => _key.Export(KeyBlobFormat.RawPrivateKey);

    public byte[] Sign(ReadOnlySpan<byte> data) => Algorithm.Sign(_key, data);

    /// <summary>Verifies an ed25519 signature with a raw 32-byte public key.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != 32 || signature.Length != 64) return false;
        if (!NSec.Cryptography.PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key)) return false;
        return Algorithm.Verify(key!, data, signature);
    }

    internal static bool IsValidVersion(string version) =>
        version.Length is > 0 and <= 255 && version.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    public void Dispose() => _key.Dispose();
}
