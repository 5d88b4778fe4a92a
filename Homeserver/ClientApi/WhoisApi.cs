using System.Text.Json.Nodes;
using Homeserver.AdminApi;
using Homeserver.Federation.Http;
using Homeserver.Http.Auth;
using Homeserver.Storage.Accounts;

namespace Homeserver.ClientApi;

/// <summary><c>GET /admin/whois/{userId}</c>: a user's devices and where they were last seen; for the user itself or a server admin.</summary>
public static class WhoisApi
{
    public static IEndpointRouteBuilder MapWhoisApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group => group.MapGet("/admin/whois/{userId}", WhoisAsync).RequireMatrixAuth());
        return routes;
    }

    private static async Task<JsonObject> WhoisAsync(
        RequestUser user, ServerAdmins admins, IUserStore users, IDeviceStore devices, string userId, CancellationToken cancellationToken)
    {
        if (userId != user.UserId && !await admins.IsAdminAsync(user.UserId, cancellationToken))
            throw MatrixException.Forbidden("Only server admins may look up other users.");
        if (!await users.ExistsAsync(userId, cancellationToken))
            throw MatrixException.NotFound("No such local user.");

        // One session per device: tokens are not tracked separately, and user agents are not recorded.
        var result = new JsonObject();
        foreach (var device in await devices.ListAsync(userId, cancellationToken))
        {
            var connection = new JsonObject();
            if (device.LastSeenIp is not null) connection["ip"] = device.LastSeenIp;
            if (device.LastSeenTs is not null) connection["last_seen"] = device.LastSeenTs;
            result[device.DeviceId] = new JsonObject
            {
                ["sessions"] = new JsonArray(new JsonObject { ["connections"] = new JsonArray(connection) }),
            };
        }
        return new JsonObject { ["user_id"] = userId, ["devices"] = result };
    }
}
