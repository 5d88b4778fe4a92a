using System.Text.Json.Nodes;
using Homeserver.Federation.Signing;

namespace Homeserver.Tests.ServerApi.Keys;

/// <summary>Builds the key responses a test server would publish.</summary>
public static class KeyResponses
{
    /// <summary><c>GET /_matrix/key/v2/server</c> of <paramref name="server"/>, signed by its key unless told otherwise.</summary>
    public static JsonObject For(TestRemoteServer server, long validUntilTs, JsonObject? oldVerifyKeys = null, bool sign = true)
    {
        var json = new JsonObject
        {
            ["server_name"] = server.Name,
            ["valid_until_ts"] = validUntilTs,
            ["verify_keys"] = new JsonObject { [server.Key.KeyId] = new JsonObject { ["key"] = server.Key.PublicKeyBase64 } },
        };
        if (oldVerifyKeys is not null) json["old_verify_keys"] = oldVerifyKeys;
        return sign ? server.Sign(json) : json;
    }

    /// <summary>An old key entry: <c>{"key": ..., "expired_ts": ...}</c>.</summary>
    public static JsonObject OldKey(SigningKey key, long expiredTs) => new() { ["key"] = key.PublicKeyBase64, ["expired_ts"] = expiredTs };
}
