using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Http;
using Homeserver.Federation.Rooms;
using Homeserver.Storage.Events;

namespace Homeserver.Federation.Membership;

/// <summary>
/// Restricted rooms (server-server API "Restricted rooms"): whether a join through the resident
/// server needs <c>join_authorised_via_users_server</c>, whether the user meets one of the join
/// rule's <c>allow</c> conditions (a room this server holds, where the user is joined), and which
/// local user with invite power vouches for it.
/// </summary>
public sealed class RestrictedJoinAuthoriser(IRoomEventStore store, ServerIdentity identity)
{
    /// <summary>
    /// The local user to name in <c>join_authorised_via_users_server</c>, or null when the join needs none
    /// (not a restricted room, or the user is already invited or joined).
    /// </summary>
    /// <param name="state">Current state events: create, join rules, power levels and the user's member event.</param>
    /// <exception cref="MatrixException">403 when the user meets no condition; 400 <c>M_UNABLE_TO_AUTHORISE_JOIN</c> when this
    /// server cannot tell; 400 <c>M_UNABLE_TO_GRANT_JOIN</c> when no local user can vouch.</exception>
    public async Task<string?> ChooseAuthoriserAsync(string roomId, string userId, IReadOnlyDictionary<TypeStateKey, Pdu> state,
        CancellationToken cancellationToken)
    {
        if (!await RequiresAuthorisationAsync(userId, state, cancellationToken).ConfigureAwait(false)) return null;
        var create = state[AuthStateKeys.Create];
        var powerLevels = PowerLevels.Of(state.GetValueOrDefault(AuthStateKeys.PowerLevels));
        var creators = RoomCreators.Of(create);
        var joined = await store.GetUsersInRoomAsync(roomId, "join", cancellationToken).ConfigureAwait(false);
        var authoriser = joined
            .Where(u => UserIdSyntax.IsValid(u) && UserIdSyntax.ServerOf(u) == identity.ServerName)
            .Order(StringComparer.Ordinal)
            .FirstOrDefault(u => powerLevels.UserLevel(u, creators) >= powerLevels.Invite);
        return authoriser ?? throw new MatrixException(400, ErrorCodes.UnableToGrantJoin,
            "No user of this server can authorise the join; try another server.");
    }

    /// <summary>
    /// True when the room is restricted, the user is not invited or joined, and meets an allow condition;
    /// throws (as <see cref="ChooseAuthoriserAsync"/>) when they meet none.
    /// </summary>
    public async Task<bool> RequiresAuthorisationAsync(string userId, IReadOnlyDictionary<TypeStateKey, Pdu> state,
        CancellationToken cancellationToken)
    {
        if (!state.TryGetValue(AuthStateKeys.Create, out var create) || !create.RoomVersion.Rules.RestrictedJoinsAllowed) return false;
        var rules = create.RoomVersion.Rules;
        var joinRules = state.GetValueOrDefault(AuthStateKeys.JoinRules)?.Content;
        var joinRule = StringOf(joinRules?["join_rule"]);
        if (joinRule != "restricted" && !(joinRule == "knock_restricted" && rules.KnockRestrictedAllowed)) return false;
        var membership = StringOf(state.GetValueOrDefault(AuthStateKeys.Member(userId))?.Content["membership"]);
        if (membership is "invite" or "join") return false;

        var knownRooms = 0;
        foreach (var condition in (joinRules?["allow"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (StringOf(condition["type"]) != "m.room_membership" || StringOf(condition["room_id"]) is not { } allowedRoom) continue;
            if (await store.GetRoomAsync(allowedRoom, cancellationToken).ConfigureAwait(false) is null) continue;
            knownRooms++;
            var memberId = await store.GetCurrentStateEventIdAsync(allowedRoom, AuthStateKeys.MemberType, userId, cancellationToken)
                .ConfigureAwait(false);
            if (memberId is null) continue;
            var member = await store.GetEventAsync(memberId, cancellationToken).ConfigureAwait(false);
            if (member is not null && StringOf((JsonNode.Parse(member.Json) as JsonObject)?["content"]?["membership"]) == "join") return true;
        }
        if (knownRooms == 0)
            throw new MatrixException(400, ErrorCodes.UnableToAuthoriseJoin, "This server knows none of the rooms that grant access to this room.");
        throw MatrixException.Forbidden("You are not a member of any room that grants access to this room.");
    }

    private static string? StringOf(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
