using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Sync;

namespace Homeserver.ClientApi;

/// <summary><c>GET /rooms/{roomId}/context/{eventId}</c>: parses the query strictly for <see cref="EventContextService"/>.</summary>
public static class EventContextApi
{
    public static IEndpointRouteBuilder MapEventContextApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group => group.MapGet("/rooms/{roomId}/context/{eventId}", Context).RequireMatrixAuth());
        return routes;
    }

    private static async Task<JsonObject> Context(string roomId, string eventId, RequestUser user, EventContextService context, HttpRequest request)
    {
        UserPathChecks.RequireRoomId(roomId);
        var query = request.Query;
        var limit = EventContextService.DefaultLimit;
        if (SyncApi.Single(query, "limit") is { } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit))
                throw MatrixException.InvalidParam("'limit' must be a non-negative integer.");
            limit = Math.Min(limit, EventContextService.MaxLimit);
        }
        var filter = SyncFilter.ParseRoomEventFilter(SyncApi.Single(query, "filter"));
        return await context.GetContextAsync(user, roomId, eventId, limit, filter, request.HttpContext.RequestAborted);
    }
}
