using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Storage.E2ee;

namespace Homeserver.E2ee;

/// <summary>
/// Checks uploaded one-time or fallback keys: a map of <c>algorithm:key_id</c> to a key string or a key object
/// (<c>key</c>, <c>signatures</c> of the user, optional boolean <c>fallback</c>).
/// </summary>
internal static class OneTimeKeysValidator
{
    public static IReadOnlyList<OneTimeKeyRecord> Validate(JsonNode? node, string name, string userId, bool fallback)
    {
        var map = KeyJson.RequireObject(node, name);
        if (map.Count > KeyLimits.MaxOneTimeKeysPerUpload)
            throw MatrixException.InvalidParam($"{name} has more than {KeyLimits.MaxOneTimeKeysPerUpload} keys.");
        var keys = new List<OneTimeKeyRecord>(map.Count);
        foreach (var (keyName, value) in map)
        {
            var (algorithm, keyId) = KeyJson.SplitKeyName(keyName, $"{name} name");
            var what = $"{name}[{keyName}]";
            switch (value)
            {
                case JsonValue:
                    KeyJson.RequireString(value, what, KeyLimits.MaxValueLength);
                    break;
                case JsonObject key:
                    KeyJson.RequireString(key["key"], what + ".key", KeyLimits.MaxValueLength);
                    KeyJson.CheckSignatures(key["signatures"], what + ".signatures", userId);
                    if (key.TryGetPropertyValue("fallback", out var flag) && (flag is not JsonValue v || !v.TryGetValue(out bool _)))
                        throw MatrixException.BadJson(what + ".fallback must be a boolean.");
                    break;
                default:
                    throw MatrixException.BadJson(what + " must be a string or an object.");
            }
            if (fallback && keys.Any(k => k.Algorithm == algorithm))
                throw MatrixException.InvalidParam($"{name} may hold only one key per algorithm.");
            keys.Add(new OneTimeKeyRecord(algorithm, keyId, KeyJson.Canonical(value!, what)));
        }
        return keys;
    }
}
