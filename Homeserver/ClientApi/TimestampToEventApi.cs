using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http.Auth;
using Homeserver.Rooms;

namespace Homeserver.ClientApi;

/// <summary><c>GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event</c> (see <see cref="EventByTimestamp"/>).</summary>
public static class TimestampToEventApi
{
    public static IEndpointRouteBuilder MapTimestampToEventApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup(ClientApiRoutes.V1).MapGet("/rooms/{roomId}/timestamp_to_event", TimestampToEvent).RequireMatrixAuth();
        return routes;
    }

    private static async Task<JsonObject> TimestampToEvent(string roomId, RequestUser user, EventByTimestamp lookup, HttpRequest request)
    {
        UserPathChecks.RequireRoomId(roomId);
        var timestamp = SyncApi.Single(request.Query, "ts") switch
        {
            null => throw MatrixException.MissingParam("'ts' is required."),
            var text when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ts) => ts,
            _ => throw MatrixException.InvalidParam("'ts' must be an integer (milliseconds since the Unix epoch)."),
        };
        var backwards = SyncApi.Single(request.Query, "dir") switch
        {
            "b" => true,
            "f" => false,
            null => throw MatrixException.MissingParam("'dir' is required."),
            _ => throw MatrixException.InvalidParam("'dir' must be 'f' or 'b'."),
        };
        var found = await lookup.FindAsync(user.UserId, roomId, timestamp, backwards, request.HttpContext.RequestAborted);
        return new JsonObject { ["event_id"] = found.EventId, ["origin_server_ts"] = found.OriginServerTs };
    }
}
