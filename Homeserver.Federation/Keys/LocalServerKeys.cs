using System.Text.Json.Nodes;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Signing;

namespace Homeserver.Federation.Keys;

/// <summary>This server's own keys: the current signing key and the configured old ones, and the signed key response.</summary>
public sealed class LocalServerKeys(ServerIdentity identity, ServerKeyOptions options, TimeProvider time)
{
    public string ServerName => identity.ServerName;

    /// <summary>The current key (valid indefinitely for us) and the old keys, by key id.</summary>
    public IReadOnlyDictionary<string, VerifyKey> Keys { get; } = BuildKeys(identity, options);

    /// <summary>
    /// The answer of <c>GET /_matrix/key/v2/server</c>, signed with the current key: valid until now plus
    /// <c>key_refresh_interval</c>, at most 7 days.
    /// </summary>
    public JsonObject CreateResponse()
    {
        var lifetime = options.KeyRefreshInterval < ServerKeyOptions.MaxKeyValidity ? options.KeyRefreshInterval : ServerKeyOptions.MaxKeyValidity;
        var oldKeys = new JsonObject();
        foreach (var (keyId, key) in options.OldVerifyKeys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            if (keyId == identity.SigningKey.KeyId) continue;
            oldKeys[keyId] = new JsonObject
            {
                ["key"] = Json.UnpaddedBase64.Encode(key.PublicKey),
                ["expired_ts"] = key.ValidUntilTs ?? 0,
            };
        }
        var response = new JsonObject
        {
            ["server_name"] = identity.ServerName,
            ["valid_until_ts"] = time.GetUtcNow().Add(lifetime).ToUnixTimeMilliseconds(),
            ["verify_keys"] = new JsonObject { [identity.SigningKey.KeyId] = new JsonObject { ["key"] = identity.SigningKey.PublicKeyBase64 } },
            ["old_verify_keys"] = oldKeys,
        };
        JsonSigner.Sign(response, identity.ServerName, identity.SigningKey);
        return response;
    }

    private static Dictionary<string, VerifyKey> BuildKeys(ServerIdentity identity, ServerKeyOptions options)
    {
        var keys = new Dictionary<string, VerifyKey>(options.OldVerifyKeys, StringComparer.Ordinal);
        keys[identity.SigningKey.KeyId] = VerifyKey.FromSigningKey(identity.SigningKey);
        return keys;
    }
}
