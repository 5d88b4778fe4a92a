using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Configuration;

namespace Homeserver.Voip;

/// <summary>
/// TURN credentials for <c>/voip/turnServer</c>. With a shared secret they follow coturn's REST API scheme
/// (<c>use-auth-secret</c>): the username is <c>{expiry unix seconds}:{user id}</c> and the password is
/// base64(HMAC-SHA1(secret, username)), so coturn checks them without asking us. Without one, the configured
/// fixed credentials. An empty object when no TURN server is configured, as Synapse answers.
/// </summary>
public sealed class TurnCredentials(HomeserverConfig config, TimeProvider time)
{
    public JsonObject For(string userId)
    {
        if (config.TurnUris.Count == 0)
            return [];
        var uris = new JsonArray([.. config.TurnUris.Select(u => (JsonNode)u)]);
        var ttl = (long)config.TurnUserLifetime.TotalSeconds;
        if (config.TurnSharedSecret is { Length: > 0 } secret)
        {
            var username = $"{time.GetUtcNow().ToUnixTimeSeconds() + ttl}:{userId}";
            var password = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username)));
            return new JsonObject { ["username"] = username, ["password"] = password, ["uris"] = uris, ["ttl"] = ttl };
        }
        if (config.TurnUsername is { Length: > 0 } user && config.TurnPassword is { } fixedPassword)
            return new JsonObject { ["username"] = user, ["password"] = fixedPassword, ["uris"] = uris, ["ttl"] = ttl };
        return [];
    }
}
