using System.Text.Json.Nodes;
using Homeserver.Federation.Events;

namespace Homeserver.Federation.Authorization;

/// <summary>
/// <c>join_authorised_via_users_server</c> (v8+ restricted joins): the user whose server vouches
/// for a join. The auth rules require the member event to be validly signed by that user's
/// server; verifying signatures needs server keys, so the signature stage must ask
/// <see cref="RequiredSigningServer"/> and demand that server's signature.
/// </summary>
public static class JoinAuthorisation
{
    public const string ContentKey = "join_authorised_via_users_server";

    public static bool TryGetAuthorisingUser(Pdu ev, out string userId)
    {
        if (ev.Content[ContentKey] is JsonValue v && v.TryGetValue(out string? id) && UserIdSyntax.IsValid(id))
        {
            userId = id;
            return true;
        }
        userId = "";
        return false;
    }

    /// <summary>
    /// The server that must have signed this event besides the sender's, or null: the server of
    /// <c>join_authorised_via_users_server</c> on a member event in a version with restricted joins.
    /// </summary>
    public static string? RequiredSigningServer(Pdu ev) =>
        ev.RoomVersion.Rules.RestrictedJoinsAllowed && ev.Type == AuthStateKeys.MemberType && TryGetAuthorisingUser(ev, out var user)
            ? UserIdSyntax.ServerOf(user)
            : null;
}
