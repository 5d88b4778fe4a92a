using System.Text.Json.Nodes;
using Homeserver.Federation.Http;

namespace Homeserver.E2ee;

/// <summary>
/// <c>POST /keys/query</c>: device keys (with <c>unsigned.device_display_name</c>) and cross-signing keys of the
/// requested users: this server's from its stores, other servers' from the device-list cache or from those servers.
/// </summary>
public sealed class KeyQueryService(LocalKeys localKeys, RemoteKeys remoteKeys, LocalOrRemote servers)
{
    public async Task<JsonObject> QueryAsync(string requesterId, JsonObject body, CancellationToken cancellationToken)
    {
        KeyJson.CheckTimeout(body);
        var local = new Dictionary<string, HashSet<string>?>(StringComparer.Ordinal);
        var remote = new Dictionary<string, Dictionary<string, HashSet<string>?>>(StringComparer.Ordinal);
        foreach (var (userId, deviceIds) in ParseDeviceKeys(body))
        {
            if (servers.IsLocal(userId))
                local[userId] = deviceIds;
            else
            {
                var server = LocalOrRemote.ServerOf(userId);
                (remote.TryGetValue(server, out var users) ? users : remote[server] = new(StringComparer.Ordinal))[userId] = deviceIds;
            }
        }

        var result = await localKeys.QueryAsync(requesterId, local, cancellationToken);
        var failures = new JsonObject();
        await remoteKeys.QueryAsync(remote, result, failures, RemoteKeys.TimeoutOf(body), cancellationToken);
        result["failures"] = failures;
        return result;
    }

    /// <summary>
    /// Reads <c>device_keys</c> (user id → list of device ids; an empty list means all devices, given as null) of a
    /// client's or a server's query: 400 for a missing or malformed one or an invalid user id.
    /// </summary>
    public static Dictionary<string, HashSet<string>?> ParseDeviceKeys(JsonObject body)
    {
        var requested = KeyJson.RequireObject(body["device_keys"] ?? throw MatrixException.MissingParam("device_keys is required."), "device_keys");
        var wanted = new Dictionary<string, HashSet<string>?>(StringComparer.Ordinal);
        foreach (var (userId, deviceList) in requested)
        {
            if (deviceList is not JsonArray array)
                throw MatrixException.BadJson($"device_keys[{userId}] must be an array of device ids.");
            var deviceIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var device in array)
                deviceIds.Add(KeyJson.RequireString(device, $"device_keys[{userId}][]", KeyLimits.MaxValueLength));
            LocalOrRemote.ServerOf(userId);
            wanted[userId] = deviceIds.Count == 0 ? null : deviceIds;
        }
        return wanted;
    }
}
