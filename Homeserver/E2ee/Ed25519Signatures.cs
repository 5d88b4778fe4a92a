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
        if (obj["signatures"]?[userId]?[keyId] is null)
            return false;
        try
        {
            var key = VerifyKey.FromBase64(keyId, publicKeyBase64);
            return JsonSignatureVerifier.Verify(obj, userId, [key]).IsValid;
        }
        catch (FormatException)
        {
            // A public key that is not 32 bytes of base64, or an object that has no canonical form.
            return false;
        }
    }

    /// <summary>Whether the text is an unpadded base64 ed25519 public key (32 bytes).</summary>
    public static bool IsPublicKey(string text) =>
        UnpaddedBase64.TryDecode(text, out var bytes) && bytes.Length == 32;
}
