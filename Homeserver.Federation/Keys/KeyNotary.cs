using System.Text.Json.Nodes;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Signing;

namespace Homeserver.Federation.Keys;

/// <summary>
/// Answers key queries as a notary ("Querying Keys Through Another Server"): each server's last key
/// response (fetched when none is cached or it expires too early), countersigned by this server. Servers
/// that never answered are left out; this server's own keys come from <see cref="LocalServerKeys"/>.
/// </summary>
public sealed class KeyNotary(LocalServerKeys local, RemoteServerKeys remote, ServerIdentity identity)
{
    /// <summary>The most servers one query may name.</summary>
    public const int MaxServersPerQuery = 100;

    /// <param name="minimumValidUntilByServer">Server name to the earliest <c>valid_until_ts</c> wanted.</param>
    public async Task<JsonObject> QueryAsync(IReadOnlyDictionary<string, long> minimumValidUntilByServer, CancellationToken cancellationToken)
    {
        var responses = await Task.WhenAll(minimumValidUntilByServer.Select(async query =>
            query.Key == local.ServerName
                ? local.CreateResponse()
                : await remote.GetResponseAsync(query.Key, query.Value, cancellationToken).ConfigureAwait(false))).ConfigureAwait(false);
        var serverKeys = new JsonArray();
        foreach (var response in responses)
        {
            if (response is null) continue;
            if (response["server_name"]?.GetValue<string>() != local.ServerName) JsonSigner.Sign(response, identity.ServerName, identity.SigningKey);
            serverKeys.Add(response);
        }
        return new JsonObject { ["server_keys"] = serverKeys };
    }
}
