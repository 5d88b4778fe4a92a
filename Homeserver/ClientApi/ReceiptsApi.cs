using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.FederationApi.Edus;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Storage.Events;
using Homeserver.Storage.Receipts;
using Homeserver.Storage.UserData;
using Homeserver.Sync;

namespace Homeserver.ClientApi;

/// <summary>
/// <c>POST /rooms/{roomId}/receipt/{receiptType}/{eventId}</c>: <c>m.read</c> and <c>m.read.private</c>
/// (optionally per <c>thread_id</c>) are stored and delivered in sync as <c>m.receipt</c>
/// (<c>m.read</c> also to the room's other servers);
/// <c>m.fully_read</c> sets the room's <c>m.fully_read</c> account data.
/// </summary>
public static class ReceiptsApi
{
    public static IEndpointRouteBuilder MapReceiptsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group => group.MapPost("/rooms/{roomId}/receipt/{receiptType}/{eventId}", PostReceipt).RequireMatrixAuth());
        return routes;
    }

    private static async Task<IResult> PostReceipt(string roomId, string receiptType, string eventId, RequestUser user, IRoomEventStore events,
        IReceiptStore receipts, IAccountDataStore accountData, CurrentStateReader state, SyncWakeups wakeups, TimeProvider time, EduOutbox outbox,
        HttpRequest request)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        if (!RoomId.IsValid(roomId))
            throw MatrixException.InvalidParam("Invalid room id.");
        if (receiptType is not ("m.read" or ReceiptEvents.PrivateRead or "m.fully_read"))
            throw MatrixException.InvalidParam($"Unknown receipt type '{receiptType}'.");
        var body = request.ContentLength is null or 0 ? new JsonObject() : await JsonBody.ReadObjectAsync(request);
        var threadId = "";
        if (body["thread_id"] is { } threadNode)
        {
            if (threadNode is not JsonValue value || value.GetValueKind() != JsonValueKind.String || value.GetValue<string>().Length == 0)
                throw MatrixException.BadJson("'thread_id' must be a non-empty string.");
            if (receiptType == "m.fully_read")
                throw MatrixException.InvalidParam("m.fully_read receipts cannot have a thread_id.");
            threadId = value.GetValue<string>();
        }
        if (await state.MembershipAsync(roomId, user.UserId, cancellationToken) != "join")
            throw MatrixException.Forbidden("You are not in this room.");
        if (await events.GetEventAsync(eventId, cancellationToken) is not { } target || target.RoomId != roomId || target.StreamOrdering is null)
            throw MatrixException.NotFound("Unknown event in this room.");

        if (receiptType == "m.fully_read")
        {
            await accountData.SetAsync(user.UserId, roomId, "m.fully_read", new JsonObject { ["event_id"] = eventId }.ToJsonString(), cancellationToken);
            return JsonResults.Empty;
        }
        var ts = time.GetUtcNow().ToUnixTimeMilliseconds();
        await receipts.SetAsync(new ReceiptRecord(roomId, receiptType, user.UserId, threadId, eventId, ts, 0), cancellationToken);
        wakeups.SignalRoom(roomId);
        if (receiptType == ReceiptEduHandler.ReadReceipt)
            await outbox.ToRoomAsync(roomId, ReceiptEduHandler.Type, ReceiptEdu(roomId, user.UserId, eventId, threadId, ts), cancellationToken);
        return JsonResults.Empty;
    }

    /// <summary>The <c>m.receipt</c> EDU of one public read receipt.</summary>
    private static JsonObject ReceiptEdu(string roomId, string userId, string eventId, string threadId, long ts)
    {
        var data = new JsonObject { ["ts"] = ts };
        if (threadId.Length > 0)
            data["thread_id"] = threadId;
        return new JsonObject
        {
            [roomId] = new JsonObject
            {
                [ReceiptEduHandler.ReadReceipt] = new JsonObject
                {
                    [userId] = new JsonObject { ["event_ids"] = new JsonArray(eventId), ["data"] = data },
                },
            },
        };
    }
}
