using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.Http.Auth;

namespace Homeserver.ClientApi;

/// <summary>Checks of the user and room ids that per-user endpoints take from the path.</summary>
public static class UserPathChecks
{
    /// <summary>403 <c>M_FORBIDDEN</c> unless the path names the requesting user (the only user a token acts for).</summary>
    public static void RequireSelf(this RequestUser user, string userIdFromPath, string what)
    {
        if (!string.Equals(user.UserId, userIdFromPath, StringComparison.Ordinal))
            throw MatrixException.Forbidden($"Cannot access {what} of other users.");
    }

    /// <summary>400 <c>M_INVALID_PARAM</c> unless the text is a room id.</summary>
    public static void RequireRoomId(string roomId)
    {
        if (!RoomId.IsValid(roomId))
            throw MatrixException.InvalidParam($"'{roomId}' is not a valid room ID.");
    }

    /// <summary>400 <c>M_INVALID_PARAM</c> unless the text is a user id.</summary>
    public static void RequireUserId(string userId)
    {
        if (!UserId.IsValid(userId))
            throw MatrixException.InvalidParam($"'{userId}' is not a valid user ID.");
    }
}
