using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Rooms;
using Homeserver.Storage.Events;
using Homeserver.Sync;

namespace Homeserver.ClientApi;

/// <summary>
/// Room membership: join (by room id, or <c>/join/{roomIdOrAlias}</c>), knock, invite, leave, forget,
/// kick, ban, unban, and the listings <c>/joined_rooms</c>, <c>/rooms/{roomId}/members</c> and
/// <c>/rooms/{roomId}/joined_members</c>.
/// </summary>
public static class RoomMembershipApi
{
    public static IEndpointRouteBuilder MapRoomMembershipApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapPost("/rooms/{roomId}/join", Join).RequireMatrixAuth();
            group.MapPost("/join/{roomIdOrAlias}", Join).RequireMatrixAuth();
            group.MapPost("/knock/{roomIdOrAlias}", Knock).RequireMatrixAuth();
            group.MapPost("/rooms/{roomId}/leave", Leave).RequireMatrixAuth();
            group.MapPost("/rooms/{roomId}/forget", Forget).RequireMatrixAuth();
            group.MapPost("/rooms/{roomId}/invite", (string roomId, RequestUser user, RoomMembership membership, HttpRequest request) =>
                SetOther(roomId, "invite", user, membership, request)).RequireMatrixAuth();
            group.MapPost("/rooms/{roomId}/kick", (string roomId, RequestUser user, RoomMembership membership, HttpRequest request) =>
                SetOther(roomId, "leave", user, membership, request)).RequireMatrixAuth();
            group.MapPost("/rooms/{roomId}/ban", (string roomId, RequestUser user, RoomMembership membership, HttpRequest request) =>
                SetOther(roomId, "ban", user, membership, request)).RequireMatrixAuth();
            group.MapPost("/rooms/{roomId}/unban", Unban).RequireMatrixAuth();
            group.MapGet("/joined_rooms", JoinedRooms).RequireMatrixAuth();
            group.MapGet("/rooms/{roomId}/members", Members).RequireMatrixAuth();
            group.MapGet("/rooms/{roomId}/joined_members", JoinedMembers).RequireMatrixAuth();
        });
        return routes;
    }

    private static readonly string[] Memberships = ["join", "invite", "knock", "leave", "ban"];

    // The same handler serves both join paths; the route value names differ.
    private static async Task<JsonObject> Join(RequestUser user, RoomMembership membership, HttpRequest request)
    {
        // Guests may join only by room id (POST /rooms/{roomId}/join), and only rooms allowing guests.
        var target = RoomFromPath(request, "roomId") ?? RoomFromPath(request, "roomIdOrAlias")!;
        if (RoomFromPath(request, "roomId") is null) user.RequireNotGuest();
        var body = await ReadBodyAsync(request);
        var roomId = await membership.JoinAsync(user.UserId, user.IsGuest, target, Reason(body), request.HttpContext.RequestAborted,
            ServersFromQuery(request));
        return new JsonObject { ["room_id"] = roomId };
    }

    private static async Task<JsonObject> Knock(string roomIdOrAlias, RequestUser user, RoomMembership membership, HttpRequest request)
    {
        user.RequireNotGuest();
        var body = await ReadBodyAsync(request);
        var roomId = await membership.KnockAsync(user.UserId, roomIdOrAlias, Reason(body), request.HttpContext.RequestAborted,
            ServersFromQuery(request));
        return new JsonObject { ["room_id"] = roomId };
    }

    private static async Task<IResult> Leave(string roomId, RequestUser user, RoomMembership membership, HttpRequest request)
    {
        UserPathChecks.RequireRoomId(roomId);
        var body = await ReadBodyAsync(request);
        await membership.LeaveAsync(user.UserId, roomId, Reason(body), request.HttpContext.RequestAborted);
        return JsonResults.Empty;
    }

    private static async Task<IResult> Forget(string roomId, RequestUser user, RoomMembership membership, HttpRequest request)
    {
        user.RequireNotGuest();
        UserPathChecks.RequireRoomId(roomId);
        await ReadBodyAsync(request);
        await membership.ForgetAsync(user.UserId, roomId, request.HttpContext.RequestAborted);
        return JsonResults.Empty;
    }

    private static async Task<IResult> SetOther(string roomId, string newMembership, RequestUser user, RoomMembership membership, HttpRequest request)
    {
        user.RequireNotGuest();
        UserPathChecks.RequireRoomId(roomId);
        var body = await JsonBody.ReadObjectAsync(request);
        await membership.SetOtherAsync(user.UserId, roomId, TargetUser(body), newMembership, Reason(body), request.HttpContext.RequestAborted);
        return JsonResults.Empty;
    }

    private static async Task<IResult> Unban(string roomId, RequestUser user, RoomMembership membership, HttpRequest request)
    {
        user.RequireNotGuest();
        UserPathChecks.RequireRoomId(roomId);
        var body = await JsonBody.ReadObjectAsync(request);
        await membership.UnbanAsync(user.UserId, roomId, TargetUser(body), Reason(body), request.HttpContext.RequestAborted);
        return JsonResults.Empty;
    }

    private static async Task<JsonObject> JoinedRooms(RequestUser user, IRoomEventStore store, IRoomReadStore reads, HttpContext context)
    {
        user.RequireNotGuest();
        var rooms = await store.GetRoomsForUserAsync(user.UserId, "join", context.RequestAborted);
        var forgotten = await reads.GetForgottenRoomsAsync(user.UserId, context.RequestAborted);
        return new JsonObject { ["joined_rooms"] = new JsonArray([.. rooms.Where(r => !forgotten.Contains(r)).Select(r => (JsonNode)JsonValue.Create(r))]) };
    }

    /// <summary>
    /// The member events of the state the user may see (as of <c>at</c>, a pagination or sync token, when given),
    /// filtered by <c>membership</c> / <c>not_membership</c>: with both, the spec makes them an "or" (either the
    /// membership is <c>membership</c>, or it is not <c>not_membership</c>).
    /// </summary>
    private static async Task<JsonObject> Members(string roomId, string? at, string? membership, string? not_membership, RequestUser user,
        RoomReads reads, HttpContext context)
    {
        UserPathChecks.RequireRoomId(roomId);
        if (membership is not null && !Memberships.Contains(membership) || not_membership is not null && !Memberships.Contains(not_membership))
            throw MatrixException.InvalidParam("membership and not_membership must be one of join, invite, knock, leave, ban.");
        long? position = at is null ? null : PaginationToken.Parse(at, "at");
        var (state, version) = await reads.GetVisibleStateAsync(user.UserId, roomId, context.RequestAborted, position);
        var members = new StateMap(state.Where(e => e.Key.Type == "m.room.member"));
        var chunk = new JsonArray();
        foreach (var ev in await reads.FormatStateAsync(members, version, context.RequestAborted))
        {
            var value = RoomStateReader.MembershipOf(ev["content"] as JsonObject);
            var included = (membership, not_membership) switch
            {
                (null, null) => true,
                ({ } only, null) => value == only,
                (null, { } excluded) => value != excluded,
                ({ } only, { } excluded) => value == only || value != excluded,
            };
            if (included) chunk.Add(ev);
        }
        return new JsonObject { ["chunk"] = chunk };
    }

    private static async Task<JsonObject> JoinedMembers(string roomId, RequestUser user, RoomStateReader reader, HttpContext context)
    {
        user.RequireNotGuest();
        UserPathChecks.RequireRoomId(roomId);
        await reader.RequireRoomAsync(roomId, context.RequestAborted);
        if (await reader.GetMembershipAsync(roomId, user.UserId, context.RequestAborted) != "join")
            throw MatrixException.Forbidden("You are not a member of this room.");
        var state = await reader.Store.GetCurrentStateAsync(roomId, context.RequestAborted);
        var members = await reader.LoadAsync(new StateMap(state.Where(e => e.Key.Type == "m.room.member")), context.RequestAborted);
        var joined = new JsonObject();
        foreach (var (key, ev) in members.OrderBy(m => m.Key.StateKey, StringComparer.Ordinal))
        {
            var content = RoomStateReader.ContentOf(ev);
            if (RoomStateReader.MembershipOf(content) != "join") continue;
            var profile = new JsonObject();
            if (RoomStateReader.StringField(content, "displayname") is { } name) profile["display_name"] = name;
            if (RoomStateReader.StringField(content, "avatar_url") is { } avatar) profile["avatar_url"] = avatar;
            joined[key.StateKey] = profile;
        }
        return new JsonObject { ["joined"] = joined };
    }

    private static string? RoomFromPath(HttpRequest request, string name) => request.RouteValues[name] as string;

    /// <summary>The servers to join or knock through when this server is not in the room: <c>via</c> and the older <c>server_name</c>.</summary>
    private static IReadOnlyList<string> ServersFromQuery(HttpRequest request) =>
        [.. request.Query["via"].Concat(request.Query["server_name"]).OfType<string>().Distinct(StringComparer.Ordinal)];

    /// <summary>Bodies of join, knock, leave and forget are optional: an empty body means {}.</summary>
    private static async Task<JsonObject> ReadBodyAsync(HttpRequest request) =>
        request.ContentLength == 0 || request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")
            ? new JsonObject()
            : await JsonBody.ReadObjectAsync(request);

    private static string TargetUser(JsonObject body) =>
        body["user_id"] is JsonValue v && v.TryGetValue<string>(out var userId)
            ? userId
            : throw MatrixException.BadJson("user_id is required and must be a string.");

    private static string? Reason(JsonObject body) => body["reason"] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var reason) => reason,
        _ => throw MatrixException.BadJson("reason must be a string."),
    };
}
