using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Storage.Events;
using Homeserver.Storage.Receipts;
using Homeserver.Storage.UserData;
using Homeserver.Sync;

namespace Homeserver.ClientApi;

/// <summary>
/// <c>POST /rooms/{roomId}/read_markers</c>: <c>m.fully_read</c> sets the room's <c>m.fully_read</c> account
/// data, <c>m.read</c> and <c>m.read.private</c> set unthreaded receipts, as the receipt endpoint does.
/// All named events are checked before anything is stored.
/// </summary>
public static class ReadMarkersApi
{
    private static readonly string[] ReceiptTypes = ["m.read", ReceiptEvents.PrivateRead];

    public static IEndpointRouteBuilder MapReadMarkersApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group => group.MapPost("/rooms/{roomId}/read_markers", PostReadMarkers).RequireMatrixAuth());
        return routes;
    }

    private static async Task<IResult> PostReadMarkers(string roomId, RequestUser user, IRoomEventStore events, IReceiptStore receipts,
        IAccountDataStore accountData, CurrentStateReader state, SyncWakeups wakeups, TimeProvider time, HttpRequest request)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        UserPathChecks.RequireRoomId(roomId);
        var body = await JsonBody.ReadObjectAsync(request);
        var fullyRead = EventIdField(body, "m.fully_read");
        var receiptIds = ReceiptTypes.Select(type => (Type: type, EventId: EventIdField(body, type))).Where(r => r.EventId is not null).ToList();
        if (await state.MembershipAsync(roomId, user.UserId, cancellationToken) != "join")
            throw MatrixException.Forbidden("You are not in this room.");
        foreach (var eventId in receiptIds.Select(r => r.EventId).Append(fullyRead).OfType<string>())
            if (await events.GetEventAsync(eventId, cancellationToken) is not { } target || target.RoomId != roomId || target.StreamOrdering is null)
                throw MatrixException.NotFound($"Unknown event {eventId} in this room.");

        if (fullyRead is not null)
            await accountData.SetAsync(user.UserId, roomId, "m.fully_read", new JsonObject { ["event_id"] = fullyRead }.ToJsonString(), cancellationToken);
        var ts = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (type, eventId) in receiptIds)
            await receipts.SetAsync(new ReceiptRecord(roomId, type, user.UserId, "", eventId!, ts, 0), cancellationToken);
        if (receiptIds.Count > 0)
            wakeups.SignalRoom(roomId);
        return JsonResults.Empty;
    }

    private static string? EventIdField(JsonObject body, string key) => body[key] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length > 0 => value.GetValue<string>(),
        _ => throw MatrixException.BadJson($"'{key}' must be an event id."),
    };
}
