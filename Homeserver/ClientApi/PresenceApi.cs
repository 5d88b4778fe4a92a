using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Sync;

namespace Homeserver.ClientApi;

/// <summary>
/// <c>PUT/GET /presence/{userId}/status</c>: users set only their own presence (sent to the servers
/// they share a room with); they see the presence of
/// users they share a room with (and their own), others get 403.
/// </summary>
public static class PresenceApi
{
    /// <summary>Longest status message accepted.</summary>
    private const int MaxStatusMsgLength = 1024;

    public static IEndpointRouteBuilder MapPresenceApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapPut("/presence/{userId}/status", PutStatus).RequireMatrixAuth();
            group.MapGet("/presence/{userId}/status", GetStatus).RequireMatrixAuth();
        });
        return routes;
    }

    private static async Task<IResult> PutStatus(string userId, RequestUser user, PresenceTracker presence, IPresencePublisher publisher, HttpRequest request)
    {
        if (userId != user.UserId)
            throw MatrixException.Forbidden("You can only set your own presence.");
        var body = await JsonBody.ReadObjectAsync(request);
        var state = body["presence"] is JsonValue p && p.GetValueKind() == JsonValueKind.String ? p.GetValue<string>() : null;
        if (body["presence"] is null)
            throw MatrixException.MissingParam("'presence' is required.");
        if (!PresenceTracker.IsPresence(state))
            throw MatrixException.InvalidParam("'presence' must be online, offline or unavailable.");
        string? statusMsg = null;
        if (body["status_msg"] is { } statusNode)
        {
            if (statusNode is not JsonValue s || s.GetValueKind() != JsonValueKind.String)
                throw MatrixException.BadJson("'status_msg' must be a string.");
            statusMsg = s.GetValue<string>();
            if (statusMsg.Length > MaxStatusMsgLength)
                throw MatrixException.InvalidParam($"'status_msg' is longer than {MaxStatusMsgLength} characters.");
        }
        presence.Set(user.UserId, state!, statusMsg);
        if (presence.Get(user.UserId) is { } current)
            await publisher.PublishAsync(current, request.HttpContext.RequestAborted);
        return JsonResults.Empty;
    }

    private static async Task<JsonObject> GetStatus(string userId, RequestUser user, PresenceTracker presence, SharedRooms shared, HttpContext context)
    {
        if (!await shared.ShareARoomAsync(user.UserId, userId, context.RequestAborted))
            throw MatrixException.Forbidden("You are not allowed to see this user's presence status.");
        return presence.Get(userId) is { } current
            ? presence.Content(current)
            : new JsonObject { ["presence"] = PresenceTracker.Offline };
    }
}
