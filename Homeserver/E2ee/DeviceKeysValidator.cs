using System.Text.Json.Nodes;
using Homeserver.Federation.Http;

namespace Homeserver.E2ee;

/// <summary>
/// Checks uploaded device identity keys (spec DeviceKeys): <c>user_id</c> and <c>device_id</c> of the requester,
/// an <c>algorithms</c> list, a <c>keys</c> map of <c>algorithm:device_id</c> to key including the device's
/// ed25519 key, and signatures of the user. The self-signature is checked for shape, not verified: the spec
/// makes verifying it the job of the clients that download the keys.
/// </summary>
internal static class DeviceKeysValidator
{
    /// <summary>The keys to store (without any <c>unsigned</c> member, which the server adds when serving them).</summary>
    public static JsonObject Validate(JsonNode? node, string userId, string deviceId)
    {
        var keys = (JsonObject)KeyJson.RequireObject(node, "device_keys").DeepClone();
        keys.Remove("unsigned");
        if (KeyJson.RequireString(keys["user_id"], "device_keys.user_id", KeyLimits.MaxValueLength) != userId)
            throw MatrixException.InvalidParam("device_keys.user_id must be the user id of the access token.");
        if (KeyJson.RequireString(keys["device_id"], "device_keys.device_id", KeyLimits.MaxValueLength) != deviceId)
            throw MatrixException.InvalidParam("device_keys.device_id must be the device id of the access token.");

        if (keys["algorithms"] is not JsonArray algorithms)
            throw MatrixException.BadJson("device_keys.algorithms must be an array.");
        if (algorithms.Count > KeyLimits.MaxEntries)
            throw MatrixException.InvalidParam("device_keys.algorithms has too many entries.");
        foreach (var algorithm in algorithms)
            KeyJson.RequireString(algorithm, "device_keys.algorithms[]", KeyLimits.MaxIdLength);

        var publicKeys = KeyJson.RequireObject(keys["keys"], "device_keys.keys");
        if (publicKeys.Count is 0 or > KeyLimits.MaxEntries)
            throw MatrixException.InvalidParam($"device_keys.keys must have 1 to {KeyLimits.MaxEntries} entries.");
        foreach (var (name, value) in publicKeys)
        {
            var (_, keyDeviceId) = KeyJson.SplitKeyName(name, "device_keys.keys name");
            if (keyDeviceId != deviceId)
                throw MatrixException.InvalidParam($"device_keys.keys names must end in the device id ({deviceId}).");
            KeyJson.RequireString(value, $"device_keys.keys[{name}]", KeyLimits.MaxValueLength);
        }
        var ed25519 = publicKeys["ed25519:" + deviceId]
            ?? throw MatrixException.InvalidParam($"device_keys.keys must contain the device's ed25519:{deviceId} key.");
        if (!Ed25519Signatures.IsPublicKey(ed25519.GetValue<string>()))
            throw MatrixException.InvalidParam("The device's ed25519 key must be 32 bytes of unpadded base64.");

        KeyJson.CheckSignatures(keys["signatures"], "device_keys.signatures", userId);
        KeyJson.Canonical(keys, "device_keys");
        return keys;
    }
}
