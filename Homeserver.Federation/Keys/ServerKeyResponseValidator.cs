using System.Text.Json.Nodes;
using Homeserver.Federation.Signing;

namespace Homeserver.Federation.Keys;

/// <summary>
/// Checks a server key response as untrusted input ("Retrieving server keys"): it names the expected
/// server, lists at least one ed25519 key, every listed ed25519 key signed it, and its sizes are bounded.
/// Keys of other algorithms are ignored. <c>valid_until_ts</c> is capped at 7 days after the check.
/// </summary>
public static class ServerKeyResponseValidator
{
    public const int MaxVerifyKeys = 32;
    public const int MaxOldVerifyKeys = 256;

    /// <summary>Unpadded base64 of 32 bytes is 43 characters; anything much longer is not a key.</summary>
    private const int MaxKeyTextLength = 64;

    public static bool TryValidate(JsonObject json, string expectedServerName, long nowMs, out ServerKeyResponse response, out string error)
    {
        response = null!;
        error = Check(json, expectedServerName, nowMs, ref response) ?? "";
        return error.Length == 0;
    }

    private static string? Check(JsonObject json, string expectedServerName, long nowMs, ref ServerKeyResponse response)
    {
        if (!TryGetString(json, "server_name", out var serverName)) return "server_name is missing or not a string";
        if (serverName != expectedServerName) return $"server_name is {serverName}, expected {expectedServerName}";
        if (!TryGetInteger(json, "valid_until_ts", out var validUntilTs)) return "valid_until_ts is missing or not an integer";
        var cappedValidUntil = Math.Min(validUntilTs, nowMs + (long)ServerKeyOptions.MaxKeyValidity.TotalMilliseconds);

        if (json["verify_keys"] is not JsonObject verifyKeysJson) return "verify_keys is missing or not an object";
        if (verifyKeysJson.Count > MaxVerifyKeys) return $"more than {MaxVerifyKeys} verify_keys";
        var verifyKeys = new Dictionary<string, VerifyKey>(StringComparer.Ordinal);
        foreach (var (keyId, value) in verifyKeysJson)
        {
            if (!keyId.StartsWith("ed25519:", StringComparison.Ordinal)) continue;
            if (ParseKey(keyId, value, cappedValidUntil, requireExpiry: false, out var key) is { } keyError) return keyError;
            verifyKeys[keyId] = key;
        }
        if (verifyKeys.Count == 0) return "verify_keys has no ed25519 key";

        var oldVerifyKeys = new Dictionary<string, VerifyKey>(StringComparer.Ordinal);
        switch (json["old_verify_keys"])
        {
            case null:
                break;
            case JsonObject oldJson:
                if (oldJson.Count > MaxOldVerifyKeys) return $"more than {MaxOldVerifyKeys} old_verify_keys";
                foreach (var (keyId, value) in oldJson)
                {
                    if (!keyId.StartsWith("ed25519:", StringComparison.Ordinal)) continue;
                    if (ParseKey(keyId, value, null, requireExpiry: true, out var key) is { } keyError) return "old " + keyError;
                    oldVerifyKeys[keyId] = key;
                }
                break;
            default:
                return "old_verify_keys is not an object";
        }

        foreach (var key in verifyKeys.Values)
        {
            var check = JsonSignatureVerifier.Verify(json, serverName, [key]);
            if (!check.IsValid) return $"not signed by its key {key.KeyId}: {check.Reason}";
        }
        response = new ServerKeyResponse(serverName, verifyKeys, oldVerifyKeys, cappedValidUntil, json);
        return null;
    }

    /// <summary>A key object <c>{"key": base64}</c>, for old keys also <c>expired_ts</c>, which becomes its validity.</summary>
    private static string? ParseKey(string keyId, JsonNode? value, long? validUntilTs, bool requireExpiry, out VerifyKey key)
    {
        key = null!;
        if (value is not JsonObject keyJson || !TryGetString(keyJson, "key", out var text) || text.Length > MaxKeyTextLength)
            return $"key {keyId} has no valid key string";
        if (requireExpiry)
        {
            if (!TryGetInteger(keyJson, "expired_ts", out var expiredTs)) return $"key {keyId} has no integer expired_ts";
            validUntilTs = expiredTs;
        }
        try
        {
            key = VerifyKey.FromBase64(keyId, text, validUntilTs);
            return null;
        }
        catch (FormatException e)
        {
            return $"key {keyId}: {e.Message}";
        }
    }

    private static bool TryGetString(JsonObject json, string name, out string value)
    {
        value = "";
        if (json[name] is not JsonValue v || !v.TryGetValue(out string? text)) return false;
        value = text;
        return true;
    }

    private static bool TryGetInteger(JsonObject json, string name, out long value)
    {
        value = 0;
        return json[name] is JsonValue v && v.TryGetValue(out value);
    }
}
