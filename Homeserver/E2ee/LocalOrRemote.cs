using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;

namespace Homeserver.E2ee;

/// <summary>
/// Sorts the user ids of a key query or claim into this server's and other servers'. Federation is not built yet,
/// so every other server is reported under <c>failures</c> as unreachable.
/// </summary>
public sealed class LocalOrRemote(HomeserverConfig config)
{
    /// <summary>True for a user of this server; false (after recording the server in <paramref name="failures"/>) for another's.</summary>
    public bool IsLocal(string userId, JsonObject failures)
    {
        if (!UserId.TryParse(userId, out var id))
            throw MatrixException.InvalidParam($"'{(userId.Length > 64 ? userId[..64] + "…" : userId)}' is not a valid user id.");
        var server = id.Server.ToString();
        if (server == config.ServerName)
            return true;
        failures[server] = new JsonObject { ["status"] = 503, ["message"] = "Federation is not available on this server." };
        return false;
    }
}
