using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Storage.E2ee;

namespace Homeserver.E2ee;

/// <summary>
/// <c>POST /keys/claim</c>: for each requested device and algorithm, one unclaimed one-time key (removed as it is
/// handed out, so it is never given twice), or else the device's fallback key (kept, marked used). Keys of other
/// servers' users are claimed from those servers.
/// </summary>
public sealed class KeyClaimService(IOneTimeKeyStore oneTimeKeys, IFallbackKeyStore fallbackKeys, LocalOrRemote servers, RemoteKeys remoteKeys)
{
    public async Task<JsonObject> ClaimAsync(JsonObject body, CancellationToken cancellationToken)
    {
        KeyJson.CheckTimeout(body);
        // Everything is checked before any key is taken.
        var local = new List<(string UserId, string DeviceId, string Algorithm)>();
        var remote = new Dictionary<string, Dictionary<string, Dictionary<string, string>>>(StringComparer.Ordinal);
        foreach (var (userId, deviceId, algorithm) in ParseOneTimeKeys(body))
        {
            if (servers.IsLocal(userId))
            {
                local.Add((userId, deviceId, algorithm));
                continue;
            }
            var server = LocalOrRemote.ServerOf(userId);
            var users = remote.TryGetValue(server, out var existing) ? existing : remote[server] = new(StringComparer.Ordinal);
            (users.TryGetValue(userId, out var devices) ? devices : users[userId] = new(StringComparer.Ordinal))[deviceId] = algorithm;
        }

        var result = await ClaimLocalAsync(local, cancellationToken);
        var failures = new JsonObject();
        await remoteKeys.ClaimAsync(remote, result, failures, RemoteKeys.TimeoutOf(body), cancellationToken);
        return new JsonObject { ["one_time_keys"] = result, ["failures"] = failures };
    }

    /// <summary>Claims keys of local users: user id → device id → <c>{algorithm:key_id: key}</c> for each key found.</summary>
    public async Task<JsonObject> ClaimLocalAsync(IEnumerable<(string UserId, string DeviceId, string Algorithm)> claims,
        CancellationToken cancellationToken)
    {
        var result = new JsonObject();
        foreach (var (userId, deviceId, algorithm) in claims)
        {
            var key = await oneTimeKeys.ClaimAsync(userId, deviceId, algorithm, cancellationToken)
                ?? await fallbackKeys.ClaimAsync(userId, deviceId, algorithm, cancellationToken);
            if (key is null)
                continue;
            var byDevice = result[userId] as JsonObject ?? (JsonObject)(result[userId] = new JsonObject());
            byDevice[deviceId] = new JsonObject { [$"{key.Algorithm}:{key.KeyId}"] = JsonNode.Parse(key.KeyJson) };
        }
        return result;
    }

    /// <summary>Reads <c>one_time_keys</c> (user id → device id → algorithm) of a client's or a server's claim; 400 when malformed.</summary>
    public static List<(string UserId, string DeviceId, string Algorithm)> ParseOneTimeKeys(JsonObject body)
    {
        var requested = KeyJson.RequireObject(body["one_time_keys"]
            ?? throw MatrixException.MissingParam("one_time_keys is required."), "one_time_keys");
        var claims = new List<(string UserId, string DeviceId, string Algorithm)>();
        foreach (var (userId, byDevice) in requested)
        {
            var devices = KeyJson.RequireObject(byDevice, $"one_time_keys[{userId}]");
            LocalOrRemote.ServerOf(userId);
            foreach (var (deviceId, algorithm) in devices)
                claims.Add((userId, deviceId, KeyJson.RequireString(algorithm, $"one_time_keys[{userId}][{deviceId}]", KeyLimits.MaxIdLength)));
        }
        return claims;
    }
}
