using Homeserver.Federation.Http;
using Homeserver.Http.Auth;
using Homeserver.Storage.Accounts;

namespace Homeserver.AdminApi;

/// <summary>Who may use the admin APIs: accounts with the admin flag (set by shared-secret registration with <c>admin</c>).</summary>
public sealed class ServerAdmins(IUserStore users)
{
    public async Task<bool> IsAdminAsync(string userId, CancellationToken cancellationToken) =>
        await users.FindAsync(userId, cancellationToken) is { Admin: true, Deactivated: false };

    /// <summary>403 <c>M_FORBIDDEN</c> unless the requester is a server admin.</summary>
    public async Task RequireAdminAsync(RequestUser user, CancellationToken cancellationToken)
    {
        if (!await IsAdminAsync(user.UserId, cancellationToken))
            throw MatrixException.Forbidden("You are not a server admin.");
    }
}
