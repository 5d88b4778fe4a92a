using System.Text.Json.Nodes;
using Homeserver.E2ee;
using Homeserver.Federation.Http;
using Homeserver.Storage.Accounts;
using Homeserver.Storage.E2ee;

namespace Homeserver.FederationApi;

/// <summary>
/// Other servers asking for this server's users' devices and keys: <c>GET /user/devices/{userId}</c> (the whole
/// device list with its stream id, to resynchronise a cache), <c>POST /user/keys/query</c> and
/// <c>POST /user/keys/claim</c>. Only users of this server may be asked for.
/// </summary>
public static class UserKeysFederationApi
{
    public static IEndpointRouteBuilder MapUserKeysFederationApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/_matrix/federation/v1/user/devices/{userId}", GetDevices).RequireFederationAuth();
        routes.MapPost("/_matrix/federation/v1/user/keys/query", QueryKeys).RequireFederationAuth();
        routes.MapPost("/_matrix/federation/v1/user/keys/claim", ClaimKeys).RequireFederationAuth();
        return routes;
    }

    private static async Task<JsonObject> GetDevices(string userId, LocalOrRemote servers, LocalKeys localKeys,
        IDeviceStore devices, IDeviceListStore deviceLists, HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        RequireLocal(servers, userId);
        // The stream id is read first: a change racing with this answer comes again as an update with a later id.
        var positions = await deviceLists.GetLatestPositionsAsync(userId, 1, cancellationToken);
        var served = await localKeys.QueryAsync(null, new Dictionary<string, HashSet<string>?> { [userId] = null }, cancellationToken);
        var list = new JsonArray();
        foreach (var device in await devices.ListAsync(userId, cancellationToken))
        {
            var entry = new JsonObject { ["device_id"] = device.DeviceId };
            if (served["device_keys"]?[userId]?[device.DeviceId] is JsonObject keys)
            {
                keys.Remove("unsigned");
                entry["keys"] = keys.DeepClone();
            }
            if (device.DisplayName is { } name)
                entry["device_display_name"] = name;
            list.Add(entry);
        }
        var result = new JsonObject
        {
            ["user_id"] = userId,
            ["stream_id"] = positions.Count > 0 ? positions[0] : 0,
            ["devices"] = list,
        };
        if (served["master_keys"]?[userId] is { } master)
            result["master_key"] = master.DeepClone();
        if (served["self_signing_keys"]?[userId] is { } selfSigning)
            result["self_signing_key"] = selfSigning.DeepClone();
        return result;
    }

    private static async Task<JsonObject> QueryKeys(FederationRequest federation, LocalOrRemote servers, LocalKeys localKeys, HttpContext context)
    {
        var wanted = KeyQueryService.ParseDeviceKeys(federation.RequiredBody);
        foreach (var userId in wanted.Keys)
            RequireLocal(servers, userId);
        var served = await localKeys.QueryAsync(null, wanted, context.RequestAborted);
        // User-signing keys are private to their owners.
        served.Remove("user_signing_keys");
        return served;
    }

    private static async Task<JsonObject> ClaimKeys(FederationRequest federation, LocalOrRemote servers, KeyClaimService claims,
        HttpContext context)
    {
        var wanted = KeyClaimService.ParseOneTimeKeys(federation.RequiredBody);
        foreach (var (userId, _, _) in wanted)
            RequireLocal(servers, userId);
        return new JsonObject { ["one_time_keys"] = await claims.ClaimLocalAsync(wanted, context.RequestAborted) };
    }

    private static void RequireLocal(LocalOrRemote servers, string userId)
    {
        if (!servers.IsLocal(userId))
            throw MatrixException.InvalidParam($"{userId} is not a user of this server.");
    }
}
