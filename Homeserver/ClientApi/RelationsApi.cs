using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.Http.Auth;
using Homeserver.Relations;

namespace Homeserver.ClientApi;

/// <summary>
/// <c>GET /v1/rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]]</c> and <c>GET /v1/rooms/{roomId}/threads</c>:
/// parses the query strictly for <see cref="RelationsService"/>.
/// </summary>
public static class RelationsApi
{
    public static IEndpointRouteBuilder MapRelationsApi(this IEndpointRouteBuilder routes)
    {
        var v1 = routes.MapGroup(ClientApiRoutes.V1);
        v1.MapGet("/rooms/{roomId}/relations/{eventId}", (string roomId, string eventId, RequestUser user, RelationsService relations, HttpRequest request) =>
            Relations(roomId, eventId, null, null, user, relations, request)).RequireMatrixAuth();
        v1.MapGet("/rooms/{roomId}/relations/{eventId}/{relType}", (string roomId, string eventId, string relType, RequestUser user,
            RelationsService relations, HttpRequest request) => Relations(roomId, eventId, relType, null, user, relations, request)).RequireMatrixAuth();
        v1.MapGet("/rooms/{roomId}/relations/{eventId}/{relType}/{eventType}", Relations).RequireMatrixAuth();
        v1.MapGet("/rooms/{roomId}/threads", Threads).RequireMatrixAuth();
        return routes;
    }

    private static Task<JsonObject> Relations(string roomId, string eventId, string? relType, string? eventType, RequestUser user,
        RelationsService relations, HttpRequest request)
    {
        if (!RoomId.IsValid(roomId))
            throw MatrixException.InvalidParam("Invalid room id.");
        if (!eventId.StartsWith('$') || eventId.Length > 255)
            throw MatrixException.NotFound("Event not found.");
        var query = request.Query;
        var backwards = SyncApi.Single(query, "dir") switch
        {
            null or "b" => true,
            "f" => false,
            _ => throw MatrixException.InvalidParam("'dir' must be 'b' or 'f'."),
        };
        bool? recurse = SyncApi.Single(query, "recurse") switch
        {
            null => null,
            "true" => true,
            "false" => false,
            _ => throw MatrixException.InvalidParam("'recurse' must be true or false."),
        };
        var limit = Limit(SyncApi.Single(query, "limit"), RelationsService.DefaultLimit);
        return relations.GetRelationsAsync(user, roomId, eventId,
            new RelationsService.RelationsQuery(relType, eventType, SyncApi.Single(query, "from"), SyncApi.Single(query, "to"), backwards, limit, recurse),
            request.HttpContext.RequestAborted);
    }

    private static Task<JsonObject> Threads(string roomId, RequestUser user, RelationsService relations, HttpRequest request)
    {
        if (!RoomId.IsValid(roomId))
            throw MatrixException.InvalidParam("Invalid room id.");
        var query = request.Query;
        var participated = SyncApi.Single(query, "include") switch
        {
            null or "all" => false,
            "participated" => true,
            _ => throw MatrixException.InvalidParam("'include' must be 'all' or 'participated'."),
        };
        var limit = Limit(SyncApi.Single(query, "limit"), RelationsService.DefaultLimit);
        return relations.GetThreadsAsync(user, roomId, participated, SyncApi.Single(query, "from"), limit, request.HttpContext.RequestAborted);
    }

    private static int Limit(string? text, int defaultLimit)
    {
        if (text is null)
            return defaultLimit;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1)
            throw MatrixException.InvalidParam("'limit' must be a positive integer.");
        return Math.Min(limit, RelationsService.MaxLimit);
    }
}
