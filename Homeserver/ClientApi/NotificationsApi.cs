using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http.Auth;
using Homeserver.Notifications;
using Homeserver.Storage.Events;
using Homeserver.Storage.Push;
using Homeserver.Sync;

namespace Homeserver.ClientApi;

/// <summary>
/// <c>GET /notifications</c>: the events the user was notified about, newest first, paged by
/// <c>from</c>/<c>next_token</c> (a stream position), optionally <c>only=highlight</c>.
/// </summary>
public static class NotificationsApi
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group => group.MapGet("/notifications", GetNotifications).RequireMatrixAuth());
        return routes;
    }

    private static async Task<JsonObject> GetNotifications(string? from, string? limit, string? only, RequestUser user, INotificationStore store,
        IRoomEventStore events, ClientEventWriter writer, PushEvaluationProgress progress, HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        long? before = null;
        if (!string.IsNullOrEmpty(from))
            before = long.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                ? position
                : throw MatrixException.InvalidParam("'from' is not a token from this endpoint.");
        var count = DefaultLimit;
        if (!string.IsNullOrEmpty(limit))
            count = int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? Math.Min(n, MaxLimit)
                : throw MatrixException.InvalidParam("'limit' must be a positive integer.");
        if (only is not (null or "" or "highlight"))
            throw MatrixException.InvalidParam("'only' may only be 'highlight'.");

        // Events already committed are listed once their evaluation is done.
        await progress.WaitUntilAllEvaluatedAsync(await events.GetMaxStreamOrderingAsync(cancellationToken), UnreadNotificationCounts.MaxEvaluationWait,
            cancellationToken);
        var page = await store.GetPageAsync(user.UserId, before, count, only == "highlight", cancellationToken);
        var records = (await events.GetEventsAsync([.. page.Select(p => p.EventId)], cancellationToken)).ToDictionary(r => r.EventId, StringComparer.Ordinal);
        var formatted = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        var readPositions = new Dictionary<string, ReadPositions>(StringComparer.Ordinal);
        foreach (var room in page.GroupBy(p => p.RoomId, StringComparer.Ordinal))
        {
            readPositions[room.Key] = await store.GetReadPositionsAsync(user.UserId, room.Key, cancellationToken);
            var roomRecords = room.Select(p => records.GetValueOrDefault(p.EventId)).OfType<EventRecord>().ToList();
            var json = await writer.FormatAsync(room.Key, roomRecords, user.UserId, user.DeviceId, includeRoomId: false, cancellationToken);
            for (var i = 0; i < roomRecords.Count; i++)
                formatted[roomRecords[i].EventId] = json[i]!.DeepClone();
        }

        var notifications = new JsonArray();
        foreach (var notification in page)
        {
            if (!formatted.TryGetValue(notification.EventId, out var ev)) continue;
            notifications.Add(new JsonObject
            {
                ["actions"] = JsonNode.Parse(notification.ActionsJson),
                ["event"] = ev,
                ["read"] = notification.StreamOrdering <= readPositions[notification.RoomId].For(notification.ThreadId),
                ["room_id"] = notification.RoomId,
                ["ts"] = notification.Ts,
            });
        }
        var response = new JsonObject { ["notifications"] = notifications };
        if (page.Count == count)
            response["next_token"] = page[^1].StreamOrdering.ToString(CultureInfo.InvariantCulture);
        return response;
    }
}
