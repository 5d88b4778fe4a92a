using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.KeyBackup;

namespace Homeserver.ClientApi;

/// <summary>
/// Server-side key backups: <c>/room_keys/version</c> (create, latest, get, update, delete) and
/// <c>/room_keys/keys</c>, <c>/room_keys/keys/{roomId}</c>, <c>/room_keys/keys/{roomId}/{sessionId}</c>
/// (GET, PUT, DELETE with the <c>version</c> query parameter). Only for the requesting user; not for guests.
/// </summary>
public static class KeyBackupApi
{
    public static IEndpointRouteBuilder MapKeyBackupApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapPost("/room_keys/version", CreateVersionAsync).RequireMatrixAuth();
            group.MapGet("/room_keys/version", (RequestUser user, KeyBackupService backups, HttpContext context) =>
                GetVersionAsync(null, user, backups, context)).RequireMatrixAuth();
            group.MapGet("/room_keys/version/{version}", GetVersionAsync).RequireMatrixAuth();
            group.MapPut("/room_keys/version/{version}", UpdateVersionAsync).RequireMatrixAuth();
            group.MapDelete("/room_keys/version/{version}", DeleteVersionAsync).RequireMatrixAuth();

            group.MapGet("/room_keys/keys", GetAllKeysAsync).RequireMatrixAuth();
            group.MapPut("/room_keys/keys", PutAllKeysAsync).RequireMatrixAuth();
            group.MapDelete("/room_keys/keys", (string? version, RequestUser user, KeyBackupService backups, HttpContext context) =>
                DeleteKeysAsync(version, null, null, user, backups, context)).RequireMatrixAuth();

            group.MapGet("/room_keys/keys/{roomId}", GetRoomKeysAsync).RequireMatrixAuth();
            group.MapPut("/room_keys/keys/{roomId}", PutRoomKeysAsync).RequireMatrixAuth();
            group.MapDelete("/room_keys/keys/{roomId}", (string roomId, string? version, RequestUser user, KeyBackupService backups,
                HttpContext context) => DeleteKeysAsync(version, roomId, null, user, backups, context)).RequireMatrixAuth();

            group.MapGet("/room_keys/keys/{roomId}/{sessionId}", GetSessionKeyAsync).RequireMatrixAuth();
            group.MapPut("/room_keys/keys/{roomId}/{sessionId}", PutSessionKeyAsync).RequireMatrixAuth();
            group.MapDelete("/room_keys/keys/{roomId}/{sessionId}", (string roomId, string sessionId, string? version, RequestUser user,
                KeyBackupService backups, HttpContext context) => DeleteKeysAsync(version, roomId, sessionId, user, backups, context)).RequireMatrixAuth();
        });
        return routes;
    }

    private static async Task<JsonObject> CreateVersionAsync(RequestUser user, KeyBackupService backups, HttpRequest request)
    {
        user.RequireNotGuest();
        var (algorithm, authData) = KeyBackupRequests.ReadVersion(await JsonBody.ReadObjectAsync(request));
        return new JsonObject { ["version"] = await backups.CreateVersionAsync(user.UserId, algorithm, authData, request.HttpContext.RequestAborted) };
    }

    private static Task<JsonObject> GetVersionAsync(string? version, RequestUser user, KeyBackupService backups, HttpContext context)
    {
        user.RequireNotGuest();
        return backups.GetVersionAsync(user.UserId, version, context.RequestAborted);
    }

    private static async Task<EmptyResponse> UpdateVersionAsync(string version, RequestUser user, KeyBackupService backups, HttpRequest request)
    {
        user.RequireNotGuest();
        var body = await JsonBody.ReadObjectAsync(request);
        var (algorithm, authData) = KeyBackupRequests.ReadVersion(body);
        string? bodyVersion = null;
        if (body["version"] is { } versionNode && (versionNode is not JsonValue value || !value.TryGetValue(out bodyVersion)))
            throw MatrixException.BadJson("version must be a string.");
        await backups.UpdateVersionAsync(user.UserId, version, algorithm, authData, bodyVersion, request.HttpContext.RequestAborted);
        return EmptyResponse.Instance;
    }

    private static async Task<EmptyResponse> DeleteVersionAsync(string version, RequestUser user, KeyBackupService backups, HttpContext context)
    {
        user.RequireNotGuest();
        await backups.DeleteVersionAsync(user.UserId, version, context.RequestAborted);
        return EmptyResponse.Instance;
    }

    private static async Task<JsonObject> GetAllKeysAsync(string? version, RequestUser user, KeyBackupService backups, HttpContext context)
    {
        user.RequireNotGuest();
        var keys = await backups.GetKeysAsync(user.UserId, KeyBackupRequests.RequireVersionParam(version), null, null, context.RequestAborted);
        var rooms = new JsonObject();
        foreach (var room in keys.GroupBy(k => k.RoomId, StringComparer.Ordinal))
            rooms[room.Key] = new JsonObject { ["sessions"] = KeyBackupService.Sessions(room) };
        return new JsonObject { ["rooms"] = rooms };
    }

    private static async Task<JsonObject> GetRoomKeysAsync(string roomId, string? version, RequestUser user, KeyBackupService backups, HttpContext context)
    {
        user.RequireNotGuest();
        KeyBackupRequests.CheckIds(roomId, null);
        var keys = await backups.GetKeysAsync(user.UserId, KeyBackupRequests.RequireVersionParam(version), roomId, null, context.RequestAborted);
        return new JsonObject { ["sessions"] = KeyBackupService.Sessions(keys) };
    }

    private static async Task<JsonObject> GetSessionKeyAsync(string roomId, string sessionId, string? version, RequestUser user,
        KeyBackupService backups, HttpContext context)
    {
        user.RequireNotGuest();
        KeyBackupRequests.CheckIds(roomId, sessionId);
        var keys = await backups.GetKeysAsync(user.UserId, KeyBackupRequests.RequireVersionParam(version), roomId, sessionId, context.RequestAborted);
        return KeyBackupService.KeyData(keys[0]);
    }

    private static async Task<JsonObject> PutAllKeysAsync(string? version, RequestUser user, KeyBackupService backups, HttpRequest request)
    {
        user.RequireNotGuest();
        var versionParam = KeyBackupRequests.RequireVersionParam(version);
        var keys = KeyBackupRequests.ReadRooms(await JsonBody.ReadObjectAsync(request, KeyBackupRequests.MaxKeysBodyBytes));
        return await backups.PutKeysAsync(user.UserId, versionParam, keys, request.HttpContext.RequestAborted);
    }

    private static async Task<JsonObject> PutRoomKeysAsync(string roomId, string? version, RequestUser user, KeyBackupService backups, HttpRequest request)
    {
        user.RequireNotGuest();
        var versionParam = KeyBackupRequests.RequireVersionParam(version);
        KeyBackupRequests.CheckIds(roomId, null);
        var keys = KeyBackupRequests.ReadRoom(roomId, await JsonBody.ReadObjectAsync(request, KeyBackupRequests.MaxKeysBodyBytes));
        return await backups.PutKeysAsync(user.UserId, versionParam, keys, request.HttpContext.RequestAborted);
    }

    private static async Task<JsonObject> PutSessionKeyAsync(string roomId, string sessionId, string? version, RequestUser user,
        KeyBackupService backups, HttpRequest request)
    {
        user.RequireNotGuest();
        var versionParam = KeyBackupRequests.RequireVersionParam(version);
        KeyBackupRequests.CheckIds(roomId, sessionId);
        var key = KeyBackupRequests.ReadKey(roomId, sessionId, await JsonBody.ReadObjectAsync(request));
        return await backups.PutKeysAsync(user.UserId, versionParam, [key], request.HttpContext.RequestAborted);
    }

    private static async Task<JsonObject> DeleteKeysAsync(string? version, string? roomId, string? sessionId, RequestUser user,
        KeyBackupService backups, HttpContext context)
    {
        user.RequireNotGuest();
        var versionParam = KeyBackupRequests.RequireVersionParam(version);
        if (roomId is not null) KeyBackupRequests.CheckIds(roomId, sessionId);
        return await backups.DeleteKeysAsync(user.UserId, versionParam, roomId, sessionId, context.RequestAborted);
    }
}
