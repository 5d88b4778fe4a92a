using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.Federation.Rooms;
using Homeserver.FederationQueries;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Rooms;

namespace Homeserver.ClientApi;

/// <summary>
/// The published room directory (see <see cref="PublishedRoomsDirectory"/>): <c>GET</c>/<c>PUT /directory/list/room/{roomId}</c>
/// and <c>GET</c>/<c>POST /publicRooms</c>. Another server's directory (<c>server=</c>) is asked of that server
/// (<see cref="RemotePublicRooms"/>).
/// </summary>
public static class PublicRoomsApi
{
    public static IEndpointRouteBuilder MapPublicRoomsApi(this IEndpointRouteBuilder routes)
    {
        var withoutAuth = routes.ServiceProvider.GetRequiredService<HomeserverConfig>().AllowPublicRoomsWithoutAuth;
        routes.MapV3WithR0(group =>
        {
            group.MapGet("/directory/list/room/{roomId}", GetVisibility);
            group.MapPut("/directory/list/room/{roomId}", PutVisibility).RequireMatrixAuth();
            var list = group.MapGet("/publicRooms", GetPublicRooms);
            if (!withoutAuth) list.RequireMatrixAuth();
            group.MapPost("/publicRooms", PostPublicRooms).RequireMatrixAuth();
        });
        return routes;
    }

    private static async Task<JsonObject> GetVisibility(string roomId, PublishedRoomsDirectory directory, HttpContext context)
    {
        if (!RoomId.IsValid(roomId)) throw MatrixException.NotFound("Unknown room.");
        return new JsonObject { ["visibility"] = await directory.GetVisibilityAsync(roomId, context.RequestAborted) };
    }

    private static async Task<IResult> PutVisibility(string roomId, RequestUser user, PublishedRoomsDirectory directory, HttpRequest request)
    {
        user.RequireNotGuest();
        if (!RoomId.IsValid(roomId)) throw MatrixException.NotFound("Unknown room.");
        var body = await JsonBody.ReadObjectAsync(request);
        var visibility = body["visibility"] switch
        {
            null => "public",
            JsonValue v when v.TryGetValue<string>(out var s) && s is "public" or "private" => s,
            _ => throw MatrixException.InvalidParam("visibility must be 'public' or 'private'."),
        };
        await directory.SetVisibilityAsync(user.UserId, roomId, visibility, request.HttpContext.RequestAborted);
        return JsonResults.Empty;
    }

    private static Task<JsonObject> GetPublicRooms(PublishedRoomsDirectory directory, ServerIdentity identity, RemotePublicRooms remote,
        HttpRequest request)
    {
        var query = request.Query;
        var server = RemoteServer(SyncApi.Single(query, "server"), identity);
        int? limit = SyncApi.Single(query, "limit") is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var l) && l > 0 ? l : throw MatrixException.InvalidParam("'limit' must be a positive integer.")
            : null;
        var since = SyncApi.Single(query, "since");
        if (server is not null)
            return remote.ListAsync(server, limit, since, request.HttpContext.RequestAborted);
        return directory.ListAsync(new PublishedRoomsDirectory.Query(limit, since, null, null), request.HttpContext.RequestAborted);
    }

    private static async Task<JsonObject> PostPublicRooms(PublishedRoomsDirectory directory, ServerIdentity identity, RemotePublicRooms remote,
        HttpRequest request)
    {
        var server = RemoteServer(SyncApi.Single(request.Query, "server"), identity);
        var body = await JsonBody.ReadObjectAsync(request);
        var query = ReadSearch(body);
        if (server is not null)
            return await remote.SearchAsync(server, body, request.HttpContext.RequestAborted);
        return await ListLocalAsync(directory, body, query, request.HttpContext.RequestAborted);
    }

    /// <summary>
    /// The validated search of a <c>POST /publicRooms</c> body (the Client-Server and Server-Server forms are the same):
    /// limit, since, filter's <c>generic_search_term</c> and <c>room_types</c>; 400 <c>M_BAD_JSON</c> for wrong types.
    /// </summary>
    internal static PublishedRoomsDirectory.Query ReadSearch(JsonObject body)
    {
        int? limit = body["limit"] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<long>(out var l) && l > 0 => (int)Math.Min(l, PublishedRoomsDirectory.MaxLimit),
            _ => throw MatrixException.BadJson("limit must be a positive integer."),
        };
        var since = OptionalString(body, "since");
        var filter = body["filter"] switch
        {
            null => null,
            JsonObject f => f,
            _ => throw MatrixException.BadJson("filter must be an object."),
        };
        var term = filter is null ? null : OptionalString(filter, "generic_search_term");
        List<string?>? roomTypes = filter?["room_types"] switch
        {
            null => null,
            JsonArray types => [.. types.Select(t => t switch
            {
                null => null,
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                _ => throw MatrixException.BadJson("room_types must hold strings or null."),
            })],
            _ => throw MatrixException.BadJson("room_types must be an array."),
        };
        return new PublishedRoomsDirectory.Query(limit, since, term, roomTypes);
    }

    /// <summary>This server's directory for a validated search; a third-party network's is empty (no bridges yet).</summary>
    internal static async Task<JsonObject> ListLocalAsync(PublishedRoomsDirectory directory, JsonObject body, PublishedRoomsDirectory.Query query,
        CancellationToken cancellationToken)
    {
        if (OptionalString(body, "third_party_instance_id") is not null)
            return new JsonObject { ["chunk"] = new JsonArray(), ["total_room_count_estimate"] = 0 };
        return await directory.ListAsync(query, cancellationToken);
    }

    /// <summary>The <c>server</c> to ask when it names another server; null for this one (or none given).</summary>
    private static string? RemoteServer(string? server, ServerIdentity identity)
    {
        if (server is null || server == identity.ServerName) return null;
        if (!ServerName.IsValid(server)) throw MatrixException.InvalidParam($"'{server}' is not a valid server name.");
        return server;
    }

    private static string? OptionalString(JsonObject body, string key) => body[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw MatrixException.BadJson($"{key} must be a string."),
    };
}
