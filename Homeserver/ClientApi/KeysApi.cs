using System.Text.Json.Nodes;
using Homeserver.E2ee;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Sync;

namespace Homeserver.ClientApi;

/// <summary>End-to-end encryption keys: upload, query, claim, and which users' device lists changed.</summary>
public static class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapPost("/keys/upload", UploadAsync).RequireMatrixAuth();
            group.MapPost("/keys/query", QueryAsync).RequireMatrixAuth();
            group.MapPost("/keys/claim", ClaimAsync).RequireMatrixAuth();
            group.MapGet("/keys/changes", ChangesAsync).RequireMatrixAuth();
        });
        return routes;
    }

    private static async Task<JsonObject> UploadAsync(HttpRequest request, RequestUser user, KeyUploadService keys) =>
        await keys.UploadAsync(user.UserId, user.DeviceId, await JsonBody.ReadObjectAsync(request), request.HttpContext.RequestAborted);

    private static async Task<JsonObject> QueryAsync(HttpRequest request, RequestUser user, KeyQueryService keys) =>
        await keys.QueryAsync(user.UserId, await JsonBody.ReadObjectAsync(request), request.HttpContext.RequestAborted);

    private static async Task<JsonObject> ClaimAsync(HttpRequest request, KeyClaimService keys) =>
        await keys.ClaimAsync(await JsonBody.ReadObjectAsync(request), request.HttpContext.RequestAborted);

    /// <summary>Both tokens are <c>next_batch</c> values of <c>/sync</c>; a <c>to</c> beyond the present reads up to the present.</summary>
    private static async Task<JsonObject> ChangesAsync(HttpRequest request, RequestUser user, DeviceListSync deviceLists, SharedRooms sharedRooms,
        Storage.Events.IRoomEventStore events)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var from = SyncToken.Parse(request.Query["from"].FirstOrDefault() ?? throw MatrixException.MissingParam("'from' is required."), "from");
        var to = SyncToken.Parse(request.Query["to"].FirstOrDefault() ?? throw MatrixException.MissingParam("'to' is required."), "to");
        var upToDeviceLists = Math.Min(to.DeviceLists, await deviceLists.GetCurrentPositionAsync(cancellationToken));
        var upToRoom = Math.Min(to.Room, await events.GetMaxStreamOrderingAsync(cancellationToken));
        var joined = await sharedRooms.JoinedRoomsAsync(user.UserId, cancellationToken);
        var (changed, left) = await deviceLists.ChangesAsync(user.UserId, joined, from.DeviceLists, upToDeviceLists, from.Room, upToRoom,
            cancellationToken);
        return new JsonObject
        {
            ["changed"] = new JsonArray([.. changed.Select(u => JsonValue.Create(u))]),
            ["left"] = new JsonArray([.. left.Select(u => JsonValue.Create(u))]),
        };
    }
}
