using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;

namespace Homeserver.E2ee;

/// <summary>Sorts the user ids of a key query or claim into this server's and other servers'.</summary>
public sealed class LocalOrRemote(HomeserverConfig config)
{
    /// <summary>The server of a valid user id; 400 <c>M_INVALID_PARAM</c> for an invalid one.</summary>
    public static string ServerOf(string userId)
    {
        if (!UserId.TryParse(userId, out var id))
            throw MatrixException.InvalidParam($"'{(userId.Length > 64 ? userId[..64] + "…" : userId)}' is not a valid user id.");
        return id.Server.ToString();
    }

    /// <summary>True for a user of this server, false for another server's; 400 for an invalid user id.</summary>
    public bool IsLocal(string userId) => ServerOf(userId) == config.ServerName;
}
