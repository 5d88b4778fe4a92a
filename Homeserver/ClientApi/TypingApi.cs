using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.FederationApi.Edus;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Sync;

namespace Homeserver.ClientApi;

/// <summary><c>PUT /rooms/{roomId}/typing/{userId}</c>: a joined user says they are (not) typing, delivered in sync as <c>m.typing</c> and to the room's other servers.</summary>
public static class TypingApi
{
    /// <summary>How long typing lasts when the client gives no timeout.</summary>
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static IEndpointRouteBuilder MapTypingApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group => group.MapPut("/rooms/{roomId}/typing/{userId}", PutTyping).RequireMatrixAuth());
        return routes;
    }

    private static async Task<IResult> PutTyping(string roomId, string userId, RequestUser user, TypingTracker typing, CurrentStateReader state,
        EduOutbox outbox, HttpRequest request)
    {
        if (!RoomId.IsValid(roomId))
            throw MatrixException.InvalidParam("Invalid room id.");
        if (userId != user.UserId)
            throw MatrixException.Forbidden("You can only set your own typing state.");
        var body = await JsonBody.ReadObjectAsync(request);
        if (body["typing"] is not JsonValue typingValue || typingValue.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            throw MatrixException.BadJson("'typing' must be a boolean.");
        var timeout = DefaultTimeout;
        if (body["timeout"] is { } timeoutNode)
        {
            if (timeoutNode is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue<long>(out var ms) || ms < 0)
                throw MatrixException.BadJson("'timeout' must be a non-negative integer of milliseconds.");
            timeout = TimeSpan.FromMilliseconds(Math.Min(ms, (long)TypingTracker.MaxTimeout.TotalMilliseconds));
        }
        if (await state.MembershipAsync(roomId, user.UserId, request.HttpContext.RequestAborted) != "join")
            throw MatrixException.Forbidden("You are not in this room.");
        typing.SetTyping(roomId, user.UserId, typingValue.GetValue<bool>(), timeout);
        await outbox.ToRoomAsync(roomId, TypingEduHandler.Type, new JsonObject
        {
            ["room_id"] = roomId,
            ["user_id"] = user.UserId,
            ["typing"] = typingValue.GetValue<bool>(),
        }, request.HttpContext.RequestAborted);
        return JsonResults.Empty;
    }
}
