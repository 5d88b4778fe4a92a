using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.ClientApi;
using Homeserver.Federation.Http;
using Homeserver.Rooms;

namespace Homeserver.FederationApi;

/// <summary>
/// This server's published room directory for other servers: <c>GET</c> and <c>POST /_matrix/federation/v1/publicRooms</c>,
/// the same listing (and the same search body) as the Client-Server <c>/publicRooms</c> (see <see cref="PublishedRoomsDirectory"/>).
/// </summary>
public static class PublicRoomsFederationApi
{
    public static IEndpointRouteBuilder MapPublicRoomsFederationApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/_matrix/federation/v1/publicRooms", List).RequireFederationAuth();
        routes.MapPost("/_matrix/federation/v1/publicRooms", Search).RequireFederationAuth();
        return routes;
    }

    private static Task<JsonObject> List(PublishedRoomsDirectory directory, HttpRequest request)
    {
        var query = request.Query;
        int? limit = SyncApi.Single(query, "limit") is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : throw MatrixException.InvalidParam("'limit' must be a non-negative integer.")
            : null;
        // The spec's default limit is 0, meaning no limit; the directory caps every page anyway.
        if (limit == 0) limit = null;
        if (SyncApi.Single(query, "third_party_instance_id") is not null)
            return Task.FromResult(new JsonObject { ["chunk"] = new JsonArray(), ["total_room_count_estimate"] = 0 });
        return directory.ListAsync(new PublishedRoomsDirectory.Query(limit, SyncApi.Single(query, "since"), null, null), request.HttpContext.RequestAborted);
    }

    private static Task<JsonObject> Search(FederationRequest federation, PublishedRoomsDirectory directory, HttpContext context)
    {
        var body = federation.RequiredBody;
        return PublicRoomsApi.ListLocalAsync(directory, body, PublicRoomsApi.ReadSearch(body), context.RequestAborted);
    }
}
