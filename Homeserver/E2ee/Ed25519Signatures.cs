using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Federation.Signing;

namespace Homeserver.E2ee;

/// <summary>Checks one user's ed25519 signature of a key object, as the appendices' "Signing JSON" defines it.</summary>
internal static class Ed25519Signatures
{
    /// <summary>Whether <c>signatures[userId][ed25519:publicKey]</c> exists and verifies with that public key.</summary>
    public static bool IsSignedBy(JsonObject obj, string userId, string publicKeyBase64)
    {
        var keyId = "ed25519:" + publicKeyBase64;
        return IsSignedBy(obj, userId, keyId, publicKeyBase64);
    }

    /// <summary>Whether <c>signatures[userId][keyId]</c> exists and verifies with the ed25519 public key.</summary>
    public static bool IsSignedBy(JsonObject obj, string userId, string keyId, string publicKeyBase64)
    {
        if (obj["signatures"]?[userId]?[keyId] is not JsonValue value || !value.TryGetValue(out string? signature)
            || !UnpaddedBase64.TryDecode(signature, out var signatureBytes) || signatureBytes.Length != 64
            || !UnpaddedBase64.TryDecode(publicKeyBase64, out var publicKey) || publicKey.Length != 32)
            return false;
        try
        {
            // Key ids of cross-signing keys are public keys (base64 with + and /), not server key versions,
            // so the signature is checked directly rather than through the server key types.
            return SigningKey.Verify(publicKey, CanonicalJson.EncodeWithout(obj, "signatures", "unsigned"), signatureBytes);
        }
        catch (FormatException)
        {
            // The object has no canonical form.
            return false;
        }
    }

    /// <summary>Whether the text is an unpadded base64 ed25519 public key (32 bytes).</summary>
    public static bool IsPublicKey(string text) =>
        UnpaddedBase64.TryDecode(text, out var bytes) && bytes.Length == 32;
}
