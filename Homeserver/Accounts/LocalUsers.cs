using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;

namespace Homeserver.Accounts;

/// <summary>Turns what users type (a localpart or a full user id) into this server's user ids.</summary>
public sealed class LocalUsers(HomeserverConfig config)
{
    public string ServerName => config.ServerName;

    /// <summary>
    /// The user id a new account with this username gets. The username is lower-cased (as Synapse does), must then
    /// follow the current localpart grammar (<c>a-z 0-9 . _ = - / +</c>) and the whole id must fit 255 bytes;
    /// otherwise 400 <c>M_INVALID_USERNAME</c>.
    /// </summary>
    public string UserIdForNewAccount(string username)
    {
        if (username.Length == 0)
            throw InvalidUsername("User ID cannot be empty.");
        var localpart = username.ToLowerInvariant();
        if (!UserId.IsCompliantLocalpart(localpart))
            throw InvalidUsername("User ID can only contain characters a-z, 0-9, or '=_-./+'.");
        var userId = $"@{localpart}:{config.ServerName}";
        if (!UserId.IsValidCompliant(userId))
            throw InvalidUsername("User ID is too long.");
        return userId;
    }

    /// <summary>
    /// The local user id a login names (a localpart or a full user id, compared lower-cased), or null when it
    /// cannot be one of ours (another server's user, or not a user id at all).
    /// </summary>
    public string? ResolveLogin(string user)
    {
        var text = user.Trim();
        if (text.StartsWith('@'))
        {
            if (!UserId.TryParse(text, out var id) || id.Server.ToString() != config.ServerName)
                return null;
            text = id.Localpart;
        }
        var candidate = $"@{text.ToLowerInvariant()}:{config.ServerName}";
        return text.Length > 0 && UserId.IsValid(candidate) ? candidate : null;
    }

    private static MatrixException InvalidUsername(string message) => new(400, ErrorCodes.InvalidUsername, message);
}
