using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Storage.E2ee;

namespace Homeserver.E2ee;

/// <summary>
/// <c>POST /keys/claim</c>: for each requested device and algorithm, one unclaimed one-time key (removed as it is
/// handed out, so it is never given twice), or else the device's fallback key (kept, marked used).
/// </summary>
public sealed class KeyClaimService(IOneTimeKeyStore oneTimeKeys, IFallbackKeyStore fallbackKeys, LocalOrRemote servers)
{
    public async Task<JsonObject> ClaimAsync(JsonObject body, CancellationToken cancellationToken)
    {
        KeyJson.CheckTimeout(body);
        var requested = KeyJson.RequireObject(body["one_time_keys"]
            ?? throw MatrixException.MissingParam("one_time_keys is required."), "one_time_keys");

        // Everything is checked before any key is taken.
        var failures = new JsonObject();
        var claims = new List<(string UserId, string DeviceId, string Algorithm)>();
        foreach (var (userId, byDevice) in requested)
        {
            var devices = KeyJson.RequireObject(byDevice, $"one_time_keys[{userId}]");
            var local = servers.IsLocal(userId, failures);
            foreach (var (deviceId, algorithm) in devices)
            {
                var name = KeyJson.RequireString(algorithm, $"one_time_keys[{userId}][{deviceId}]", KeyLimits.MaxIdLength);
                if (local)
                    claims.Add((userId, deviceId, name));
            }
        }

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
        return new JsonObject { ["one_time_keys"] = result, ["failures"] = failures };
    }
}
