using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Storage.UserData;
using Homeserver.Sync;

namespace Homeserver.ClientApi;

/// <summary><c>GET /sync</c>: parses the query strictly and hands it to <see cref="SyncService"/>.</summary>
public static class SyncApi
{
    public static IEndpointRouteBuilder MapSyncApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group => group.MapGet("/sync", Sync).RequireMatrixAuth());
        return routes;
    }

    private static async Task<JsonObject> Sync(RequestUser user, SyncService sync, IFilterStore filters, HttpRequest request)
    {
        var query = request.Query;
        var since = Single(query, "since") is { } sinceText ? SyncToken.Parse(sinceText, "since") : (SyncToken?)null;
        var timeout = TimeSpan.Zero;
        if (Single(query, "timeout") is { } timeoutText)
        {
            if (!long.TryParse(timeoutText, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
                throw MatrixException.InvalidParam("'timeout' must be a non-negative integer of milliseconds.");
            timeout = TimeSpan.FromMilliseconds(Math.Min(ms, (long)SyncService.MaxTimeout.TotalMilliseconds));
        }
        var fullState = Single(query, "full_state") switch
        {
            null or "false" => false,
            "true" => true,
            _ => throw MatrixException.InvalidParam("'full_state' must be true or false."),
        };
        var setPresence = Single(query, "set_presence");
        if (setPresence is not null && !PresenceTracker.IsPresence(setPresence))
            throw MatrixException.InvalidParam("'set_presence' must be online, offline or unavailable.");
        var filter = await SyncFilter.LoadAsync(Single(query, "filter"), user.UserId, filters, request.HttpContext.RequestAborted);
        return await sync.SyncAsync(new SyncRequest(user.UserId, user.DeviceId, since, filter, fullState, timeout, setPresence), request.HttpContext.RequestAborted);
    }

    /// <summary>A query parameter given at most once.</summary>
    internal static string? Single(IQueryCollection query, string name)
    {
        var values = query[name];
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => throw MatrixException.InvalidParam($"'{name}' is given more than once."),
        };
    }
}
