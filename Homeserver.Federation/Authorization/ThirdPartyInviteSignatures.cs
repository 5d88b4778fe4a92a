using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Federation.Signing;

namespace Homeserver.Federation.Authorization;

/// <summary>
/// The third-party invite rule "any signature in <c>signed</c> matches any public key in the
/// <c>m.room.third_party_invite</c> event": ed25519 signatures over the canonical JSON of
/// <c>signed</c> without <c>signatures</c> and <c>unsigned</c>, checked against
/// <c>content.public_key</c> and every <c>content.public_keys[].public_key</c>.
/// </summary>
public static class ThirdPartyInviteSignatures
{
    public static bool AnyValid(JsonObject signed, JsonObject thirdPartyInviteContent)
    {
        if (signed["signatures"] is not JsonObject signatures) return false;
        var keys = PublicKeys(thirdPartyInviteContent);
        if (keys.Count == 0) return false;

        byte[] message;
        try
        {
            message = CanonicalJson.EncodeWithout(signed, "signatures", "unsigned");
        }
        catch (FormatException)
        {
            return false;
        }

        foreach (var (_, serverSignatures) in signatures)
        {
            if (serverSignatures is not JsonObject byKeyId) continue;
            foreach (var (keyId, signatureNode) in byKeyId)
            {
                if (!keyId.StartsWith("ed25519:", StringComparison.Ordinal)) continue;
                if (signatureNode is not JsonValue v || !v.TryGetValue(out string? text)) continue;
                if (!UnpaddedBase64.TryDecode(text, out var signature) && !UnpaddedBase64.TryDecodeUrlSafe(text, out signature)) continue;
                foreach (var key in keys)
                    if (SigningKey.Verify(key, message, signature)) return true;
            }
        }
        return false;
    }

    private static List<byte[]> PublicKeys(JsonObject content)
    {
        var keys = new List<byte[]>();
        AddKey(keys, content["public_key"]);
        if (content["public_keys"] is JsonArray list)
            foreach (var entry in list)
                if (entry is JsonObject o) AddKey(keys, o["public_key"]);
        return keys;
    }

    private static void AddKey(List<byte[]> keys, JsonNode? node)
    {
        if (node is not JsonValue v || !v.TryGetValue(out string? text)) return;
        if (UnpaddedBase64.TryDecode(text, out var key) || UnpaddedBase64.TryDecodeUrlSafe(text, out key))
            if (key.Length == 32) keys.Add(key);
    }
}
