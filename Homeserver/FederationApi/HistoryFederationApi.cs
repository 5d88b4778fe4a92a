using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.ClientApi;
using Homeserver.Federation.History;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using EventId = Homeserver.Federation.Identifiers.EventId;

namespace Homeserver.FederationApi;

/// <summary>
/// The Server-Server endpoints that serve a room's history and state: <c>/event</c>, <c>/state</c>,
/// <c>/state_ids</c>, <c>/event_auth</c>, <c>/backfill</c>, <c>/get_missing_events</c> and
/// <c>/timestamp_to_event</c>. Parameters are checked here; <see cref="HistoryService"/> decides.
/// </summary>
public static class HistoryFederationApi
{
    /// <summary>Most event ids one request may name (backfill's <c>v</c>, get_missing_events' lists).</summary>
    public const int MaxEventIds = 100;

    public static IEndpointRouteBuilder MapHistoryFederationApi(this IEndpointRouteBuilder routes)
    {
        var v1 = routes.MapGroup("/_matrix/federation/v1").RequireFederationAuth();
        v1.MapGet("/event/{eventId}", GetEvent);
        v1.MapGet("/state/{roomId}", (string roomId, FederationRequest origin, HistoryService history, HttpRequest request) =>
            GetState(roomId, origin, history, request, idsOnly: false));
        v1.MapGet("/state_ids/{roomId}", (string roomId, FederationRequest origin, HistoryService history, HttpRequest request) =>
            GetState(roomId, origin, history, request, idsOnly: true));
        v1.MapGet("/event_auth/{roomId}/{eventId}", GetEventAuth);
        v1.MapGet("/backfill/{roomId}", Backfill);
        v1.MapPost("/get_missing_events/{roomId}", GetMissingEvents);
        v1.MapGet("/timestamp_to_event/{roomId}", TimestampToEvent);
        return routes;
    }

    private static Task<JsonObject> GetEvent(string eventId, FederationRequest origin, HistoryService history, HttpRequest request) =>
        history.GetEventAsync(origin.Origin, RequireEventId(eventId), request.HttpContext.RequestAborted);

    private static Task<JsonObject> GetState(string roomId, FederationRequest origin, HistoryService history, HttpRequest request, bool idsOnly)
    {
        var eventId = SyncApi.Single(request.Query, "event_id") ?? throw MatrixException.MissingParam("'event_id' is required.");
        return history.GetStateAsync(origin.Origin, RequireRoomId(roomId), RequireEventId(eventId), idsOnly, request.HttpContext.RequestAborted);
    }

    private static Task<JsonObject> GetEventAuth(string roomId, string eventId, FederationRequest origin, HistoryService history, HttpRequest request) =>
        history.GetEventAuthAsync(origin.Origin, RequireRoomId(roomId), RequireEventId(eventId), request.HttpContext.RequestAborted);

    private static Task<JsonObject> Backfill(string roomId, FederationRequest origin, HistoryService history, HttpRequest request)
    {
        var from = request.Query["v"];
        if (from.Count == 0)
            throw MatrixException.MissingParam("'v' is required.");
        if (from.Count > MaxEventIds)
            throw MatrixException.InvalidParam($"'v' names more than {MaxEventIds} events.");
        var ids = from.Select(id => RequireEventId(id ?? "")).Distinct(StringComparer.Ordinal).ToList();
        var limitText = SyncApi.Single(request.Query, "limit") ?? throw MatrixException.MissingParam("'limit' is required.");
        if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1)
            throw MatrixException.InvalidParam("'limit' must be a positive integer.");
        return history.BackfillAsync(origin.Origin, RequireRoomId(roomId), ids, limit, request.HttpContext.RequestAborted);
    }

    private static Task<JsonObject> GetMissingEvents(string roomId, FederationRequest origin, HistoryService history, HttpRequest request)
    {
        var body = origin.RequiredBody;
        var earliest = EventIdList(body, "earliest_events");
        var latest = EventIdList(body, "latest_events");
        var limit = OptionalInteger(body, "limit") ?? HistoryService.DefaultMissingEventsLimit;
        if (limit < 1)
            throw MatrixException.InvalidParam("'limit' must be a positive integer.");
        var minDepth = OptionalInteger(body, "min_depth") ?? 0;
        return history.GetMissingEventsAsync(origin.Origin, RequireRoomId(roomId), earliest, latest, (int)Math.Min(limit, int.MaxValue), minDepth,
            request.HttpContext.RequestAborted);
    }

    private static Task<JsonObject> TimestampToEvent(string roomId, FederationRequest origin, HistoryService history, HttpRequest request)
    {
        var ts = SyncApi.Single(request.Query, "ts") switch
        {
            null => throw MatrixException.MissingParam("'ts' is required."),
            var text when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) => value,
            _ => throw MatrixException.InvalidParam("'ts' must be an integer (milliseconds since the Unix epoch)."),
        };
        var backwards = SyncApi.Single(request.Query, "dir") switch
        {
            "b" => true,
            "f" => false,
            null => throw MatrixException.MissingParam("'dir' is required."),
            _ => throw MatrixException.InvalidParam("'dir' must be 'f' or 'b'."),
        };
        return history.TimestampToEventAsync(origin.Origin, RequireRoomId(roomId), ts, backwards, request.HttpContext.RequestAborted);
    }

    private static string RequireRoomId(string roomId) =>
        RoomId.IsValid(roomId) ? roomId : throw MatrixException.InvalidParam("Invalid room id.");

    private static string RequireEventId(string eventId) =>
        EventId.IsValid(eventId) ? eventId : throw MatrixException.InvalidParam("Invalid event id.");

    private static List<string> EventIdList(JsonObject body, string name)
    {
        if (body[name] is not JsonArray array)
            throw MatrixException.BadJson($"'{name}' must be a list of event ids.");
        if (array.Count > MaxEventIds)
            throw MatrixException.BadJson($"'{name}' names more than {MaxEventIds} events.");
        var ids = new List<string>(array.Count);
        foreach (var item in array)
        {
            if (item is not JsonValue value || !value.TryGetValue(out string? id) || !EventId.IsValid(id))
                throw MatrixException.BadJson($"'{name}' must be a list of event ids.");
            ids.Add(id);
        }
        return ids;
    }

    private static long? OptionalInteger(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue value when value.TryGetValue(out long number) => number,
        _ => throw MatrixException.BadJson($"'{name}' must be an integer."),
    };
}
