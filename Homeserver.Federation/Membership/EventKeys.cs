using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Signing;

namespace Homeserver.Federation.Membership;

/// <summary>The verify keys needed to check an event's required signatures, by server.</summary>
internal static class EventKeys
{
    public static async Task<Dictionary<string, IReadOnlyCollection<VerifyKey>>> ForAsync(IServerKeys serverKeys, ServerIdentity identity, Pdu pdu,
        CancellationToken cancellationToken)
    {
        var keys = new Dictionary<string, IReadOnlyCollection<VerifyKey>>(StringComparer.Ordinal);
        var servers = EventSignatureVerifier.RequiredSigners(pdu.Json, pdu.RoomVersion).ToList();
        if (Authorization.JoinAuthorisation.RequiredSigningServer(pdu) is { } authoriser && !servers.Contains(authoriser)) servers.Add(authoriser);
        foreach (var server in servers)
        {
            if (server == identity.ServerName)
            {
                keys[server] = [VerifyKey.FromSigningKey(identity.SigningKey)];
                continue;
            }
            if (pdu.Json["signatures"] is not JsonObject signatures || signatures[server] is not JsonObject byKeyId)
            {
                keys[server] = [];
                continue;
            }
            var found = await serverKeys.GetVerifyKeysAsync(server, byKeyId.Select(p => p.Key).ToList(), pdu.OriginServerTs, cancellationToken)
                .ConfigureAwait(false);
            keys[server] = found.Values.ToList();
        }
        return keys;
    }
}
