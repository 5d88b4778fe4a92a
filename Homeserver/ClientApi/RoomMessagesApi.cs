using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Sync;

namespace Homeserver.ClientApi;

/// <summary><c>GET /rooms/{roomId}/messages</c>: parses the query strictly for <see cref="RoomMessagesService"/>.</summary>
public static class RoomMessagesApi
{
    public static IEndpointRouteBuilder MapRoomMessagesApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group => group.MapGet("/rooms/{roomId}/messages", Messages).RequireMatrixAuth());
        return routes;
    }

    private static async Task<JsonObject> Messages(string roomId, RequestUser user, RoomMessagesService messages, HttpRequest request)
    {
        if (!RoomId.IsValid(roomId))
            throw MatrixException.InvalidParam("Invalid room id.");
        var query = request.Query;
        var backwards = SyncApi.Single(query, "dir") switch
        {
            "b" => true,
            "f" => false,
            null => throw MatrixException.MissingParam("'dir' is required."),
            _ => throw MatrixException.InvalidParam("'dir' must be 'b' or 'f'."),
        };
        var limit = RoomMessagesService.DefaultLimit;
        if (SyncApi.Single(query, "limit") is { } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1)
                throw MatrixException.InvalidParam("'limit' must be a positive integer.");
            limit = Math.Min(limit, RoomMessagesService.MaxLimit);
        }
        var filter = SyncFilter.ParseRoomEventFilter(SyncApi.Single(query, "filter"));
        if (filter.Limit is { } filterLimit && SyncApi.Single(query, "limit") is null)
            limit = (int)Math.Min(filterLimit, RoomMessagesService.MaxLimit);
        return await messages.GetMessagesAsync(user, roomId, SyncApi.Single(query, "from"), SyncApi.Single(query, "to"), backwards, limit, filter,
            request.HttpContext.RequestAborted);
    }
}
