using Homeserver.Federation.Http;
using Homeserver.Http.Auth;

namespace Homeserver.ClientApi;

/// <summary>The guest access module: guests may use only the endpoints it lists.</summary>
public static class GuestChecks
{
    /// <summary>403 <c>M_GUEST_ACCESS_FORBIDDEN</c> for guests on an endpoint the guest access module does not list.</summary>
    public static void RequireNotGuest(this RequestUser user)
    {
        if (user.IsGuest)
            throw new MatrixException(403, ErrorCodes.GuestAccessForbidden, "Guest accounts cannot use this endpoint.");
    }
}
