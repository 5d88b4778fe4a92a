using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Http.RateLimiting;
using Homeserver.Rooms;
using Homeserver.Storage.Events;

namespace Homeserver.ClientApi;

/// <summary>
/// Sending and reading room events: <c>send</c>, <c>state</c> (PUT and GET), <c>redact</c> and <c>event</c>
/// under <c>/rooms/{roomId}</c>. Reads apply history visibility (<see cref="RoomReads"/>).
/// </summary>
public static class RoomEventsApi
{
    public static IEndpointRouteBuilder MapRoomEventsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapPut("/rooms/{roomId}/send/{eventType}/{txnId}", Send).RequireMatrixAuth().RequireRateLimit(RateLimitPolicies.Message);
            group.MapPut("/rooms/{roomId}/state/{eventType}", (string roomId, string eventType, RequestUser user, RoomEventSender sender,
                RoomStateReader reader, RoomDirectory directory, HttpRequest request) =>
                PutState(roomId, eventType, "", user, sender, reader, directory, request)).RequireMatrixAuth();
            group.MapPut("/rooms/{roomId}/state/{eventType}/{stateKey}", PutState).RequireMatrixAuth();
            group.MapGet("/rooms/{roomId}/state", GetState).RequireMatrixAuth();
            group.MapGet("/rooms/{roomId}/state/{eventType}", (string roomId, string eventType, string? format, RequestUser user,
                RoomReads reads, RoomStateReader reader, HttpContext context) => GetStateEvent(roomId, eventType, "", format, user, reads, reader, context))
                .RequireMatrixAuth();
            group.MapGet("/rooms/{roomId}/state/{eventType}/{stateKey}", GetStateEvent).RequireMatrixAuth();
            group.MapPut("/rooms/{roomId}/redact/{eventId}/{txnId}", Redact).RequireMatrixAuth().RequireRateLimit(RateLimitPolicies.Message);
            group.MapGet("/rooms/{roomId}/event/{eventId}", GetEvent).RequireMatrixAuth();
        });
        return routes;
    }

    private static async Task<JsonObject> Send(string roomId, string eventType, string txnId, RequestUser user, RoomEventSender sender,
        RoomStateReader reader, Relations.ThreadChecks threads, HttpRequest request)
    {
        UserPathChecks.RequireRoomId(roomId);
        RoomEventChecks.CheckTypeAndStateKey(eventType, null);
        var content = await JsonBody.ReadObjectAsync(request);
        await reader.RequireRoomAsync(roomId, request.HttpContext.RequestAborted);
        await threads.CheckAsync(content, request.HttpContext.RequestAborted);
        var eventId = await sender.SendAsync(roomId, eventType, null, user.UserId, content, TransactionOf(user, txnId), request.HttpContext.RequestAborted);
        return new JsonObject { ["event_id"] = eventId };
    }

    private static async Task<JsonObject> PutState(string roomId, string eventType, string stateKey, RequestUser user, RoomEventSender sender,
        RoomStateReader reader, RoomDirectory directory, HttpRequest request)
    {
        UserPathChecks.RequireRoomId(roomId);
        RoomEventChecks.CheckTypeAndStateKey(eventType, stateKey);
        var content = await JsonBody.ReadObjectAsync(request);
        await reader.RequireRoomAsync(roomId, request.HttpContext.RequestAborted);
        if (eventType == "m.room.canonical_alias" && stateKey == "")
            await directory.CheckCanonicalAliasAsync(roomId, content, request.HttpContext.RequestAborted);
        var eventId = await sender.SendAsync(roomId, eventType, stateKey, user.UserId, content, null, request.HttpContext.RequestAborted);
        return new JsonObject { ["event_id"] = eventId };
    }

    private static async Task<JsonArray> GetState(string roomId, RequestUser user, RoomReads reads, HttpContext context)
    {
        UserPathChecks.RequireRoomId(roomId);
        var (state, version) = await reads.GetVisibleStateAsync(user.UserId, roomId, context.RequestAborted);
        var events = await reads.FormatStateAsync(state, version, context.RequestAborted);
        return new JsonArray([.. events]);
    }

    private static async Task<JsonObject> GetStateEvent(string roomId, string eventType, string stateKey, string? format, RequestUser user,
        RoomReads reads, RoomStateReader reader, HttpContext context)
    {
        UserPathChecks.RequireRoomId(roomId);
        if (format is not (null or "content" or "event")) throw MatrixException.InvalidParam("format must be 'content' or 'event'.");
        var (state, version) = await reads.GetVisibleStateAsync(user.UserId, roomId, context.RequestAborted);
        if (!state.TryGetValue((eventType, stateKey), out var eventId)
            || await reader.Store.GetEventAsync(eventId, context.RequestAborted) is not { } ev)
            throw MatrixException.NotFound("The room has no state event with that type and state key.");
        var formatted = await reads.FormatAsync(ev, version, context.RequestAborted);
        return format == "event" ? formatted : formatted["content"]!.DeepClone().AsObject();
    }

    private static async Task<JsonObject> Redact(string roomId, string eventId, string txnId, RequestUser user, RoomEventSender sender,
        RoomStateReader reader, RoomReads reads, HttpRequest request)
    {
        user.RequireNotGuest();
        UserPathChecks.RequireRoomId(roomId);
        var body = await JsonBody.ReadObjectAsync(request);
        var content = new JsonObject();
        if (body["reason"] is { } reason)
        {
            if (reason is not JsonValue v || !v.TryGetValue<string>(out _)) throw MatrixException.BadJson("reason must be a string.");
            content["reason"] = reason.DeepClone();
        }
        var cancellationToken = request.HttpContext.RequestAborted;
        await reader.RequireRoomAsync(roomId, cancellationToken);
        await reads.RequireMayRedactAsync(user.UserId, roomId, eventId, cancellationToken);
        var redactionId = await sender.SendAsync(roomId, "m.room.redaction", null, user.UserId, content, TransactionOf(user, txnId),
            cancellationToken, redacts: eventId);
        return new JsonObject { ["event_id"] = redactionId };
    }

    private static async Task<JsonObject> GetEvent(string roomId, string eventId, RequestUser user, RoomReads reads, RoomStateReader reader,
        Sync.ClientEventWriter writer, HttpContext context)
    {
        UserPathChecks.RequireRoomId(roomId);
        // Checks existence and visibility; the writer then formats it as other reads do, with its bundled aggregations.
        await reads.GetEventAsync(user.UserId, roomId, eventId, context.RequestAborted);
        var ev = (await reader.Store.GetEventAsync(eventId, context.RequestAborted))!;
        var formatted = await writer.FormatAsync(roomId, [ev], user.UserId, user.DeviceId, includeRoomId: true, context.RequestAborted,
            bundleAggregations: true);
        return formatted[0]!.AsObject();
    }

    /// <summary>Transaction ids are scoped to the device (the access token's device; "" for device-less tokens).</summary>
    private static ClientTransactionKey TransactionOf(RequestUser user, string txnId) => new(user.UserId, user.DeviceId ?? "", txnId);
}
