using System.Text.Json.Nodes;
using Homeserver.ClientApi;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.Federation.Rooms;
using Homeserver.Rooms;
using Homeserver.UserData;

namespace Homeserver.FederationApi;

/// <summary>
/// Queries other servers make about this one's resources: <c>GET /_matrix/federation/v1/query/directory</c> (a local
/// room alias: its room and the servers in it) and <c>GET /_matrix/federation/v1/query/profile</c> (a local user's
/// profile, or one field of it). Only this server's aliases and users are answered; others are 404.
/// </summary>
public static class QueryFederationApi
{
    public static IEndpointRouteBuilder MapQueryFederationApi(this IEndpointRouteBuilder routes)
    {
        var query = routes.MapGroup("/_matrix/federation/v1/query").RequireFederationAuth();
        query.MapGet("/directory", Directory);
        query.MapGet("/profile", Profile);
        return routes;
    }

    private static async Task<JsonObject> Directory(RoomDirectory directory, ServerIdentity identity, HttpRequest request)
    {
        var text = SyncApi.Single(request.Query, "room_alias") ?? throw MatrixException.MissingParam("'room_alias' is required.");
        if (!RoomAlias.TryParse(text, out var alias)) throw MatrixException.InvalidParam($"'{text}' is not a valid room alias.");
        // Never ask a third server on another's behalf: an alias of another server is simply not known here.
        if (alias.Server.ToString() != identity.ServerName) throw MatrixException.NotFound("Room alias not found.");
        var resolved = await directory.ResolveWithServersAsync(text, request.HttpContext.RequestAborted);
        return new JsonObject
        {
            ["room_id"] = resolved.RoomId,
            ["servers"] = new JsonArray([.. resolved.Servers.Select(s => JsonValue.Create(s))]),
        };
    }

    private static async Task<JsonObject> Profile(ProfileService profiles, ServerIdentity identity, HttpRequest request)
    {
        var userId = SyncApi.Single(request.Query, "user_id") ?? throw MatrixException.MissingParam("'user_id' is required.");
        if (!UserId.TryParse(userId, out var parsed)) throw MatrixException.InvalidParam($"'{userId}' is not a valid user ID.");
        if (parsed.Server.ToString() != identity.ServerName) throw MatrixException.NotFound("The user is not a user of this server.");
        var field = SyncApi.Single(request.Query, "field");
        if (field is not (null or ProfileFields.DisplayName or ProfileFields.AvatarUrl))
            throw MatrixException.NotFound($"Profiles here have no field '{field}'.");
        var profile = await profiles.GetAsync(userId, request.HttpContext.RequestAborted) ?? throw MatrixException.NotFound("Profile not found.");
        var body = new JsonObject();
        if (field is null or ProfileFields.DisplayName && profile.DisplayName is not null) body[ProfileFields.DisplayName] = profile.DisplayName;
        if (field is null or ProfileFields.AvatarUrl && profile.AvatarUrl is not null) body[ProfileFields.AvatarUrl] = profile.AvatarUrl;
        return body;
    }
}
