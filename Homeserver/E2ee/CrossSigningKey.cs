using System.Text.Json.Nodes;
using Homeserver.Federation.Http;

namespace Homeserver.E2ee;

/// <summary>
/// An uploaded cross-signing key (spec CrossSigningKey) after its checks: <c>user_id</c> of the uploader, a
/// <c>usage</c> list naming its type, exactly one ed25519 key named <c>ed25519:</c> plus its own public key.
/// </summary>
internal sealed record CrossSigningKey(string Type, string PublicKey, JsonObject Json, string Canonical)
{
    public string KeyId => "ed25519:" + PublicKey;

    public static CrossSigningKey Parse(JsonNode? node, string name, string type, string userId)
    {
        var json = (JsonObject)KeyJson.RequireObject(node, name).DeepClone();
        json.Remove("unsigned");
        if (KeyJson.RequireString(json["user_id"], name + ".user_id", KeyLimits.MaxValueLength) != userId)
            throw MatrixException.InvalidParam(name + ".user_id must be the user id of the access token.");
        if (json["usage"] is not JsonArray usage)
            throw MatrixException.BadJson(name + ".usage must be an array.");
        if (usage.Count > KeyLimits.MaxEntries)
            throw MatrixException.InvalidParam(name + ".usage has too many entries.");
        var usages = usage.Select(u => KeyJson.RequireString(u, name + ".usage[]", KeyLimits.MaxIdLength)).ToList();
        if (!usages.Contains(type))
            throw MatrixException.InvalidParam($"{name}.usage must contain \"{type}\".");
        var keys = KeyJson.RequireObject(json["keys"], name + ".keys");
        if (keys.Count != 1)
            throw MatrixException.InvalidParam(name + ".keys must hold exactly one key.");
        var (keyName, value) = keys.First();
        var publicKey = KeyJson.RequireString(value, $"{name}.keys[{keyName}]", KeyLimits.MaxValueLength);
        if (keyName != "ed25519:" + publicKey || !Ed25519Signatures.IsPublicKey(publicKey))
            throw MatrixException.InvalidParam(name + ".keys must hold one ed25519 public key named ed25519:<public key>.");
        if (json.ContainsKey("signatures"))
            KeyJson.CheckSignatures(json["signatures"], name + ".signatures", requiredUserId: null);
        return new CrossSigningKey(type, publicKey, json, KeyJson.Canonical(json, name));
    }
}
