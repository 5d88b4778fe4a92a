using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Federation.Identifiers;

namespace Homeserver.FederationQueries;

/// <summary>A room alias resolved: the room and servers that may be asked to join it (for a remote alias, its server first).</summary>
public sealed record ResolvedRoomAlias(string RoomId, IReadOnlyList<string> Servers);

/// <summary>
/// Resolves another server's room alias with <c>GET /_matrix/federation/v1/query/directory</c>. The answer is
/// untrusted: its <c>room_id</c> must be a valid room id, and only valid server names are kept from <c>servers</c>.
/// </summary>
public sealed class RemoteRoomAliases(RemoteQueryClient client)
{
    /// <summary>Most servers taken from an answer.</summary>
    public const int MaxServers = 100;

    public async Task<ResolvedRoomAlias> ResolveAsync(RoomAlias alias, CancellationToken cancellationToken)
    {
        var server = alias.Server.ToString();
        var answer = await client.GetAsync(server, "/_matrix/federation/v1/query/directory?room_alias=" + Uri.EscapeDataString(alias.ToString()),
            $"Room alias {alias} not found.", cancellationToken);
        if (answer["room_id"] is not JsonValue roomValue || roomValue.GetValueKind() != JsonValueKind.String
            || roomValue.GetValue<string>() is not { } roomId || !RoomId.IsValid(roomId))
            throw RemoteQueryClient.BadGateway($"{server} answered the alias query without a valid room_id.");
        var servers = new List<string>();
        if (answer["servers"] is JsonArray array)
            foreach (var node in array)
                if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { } name
                    && ServerName.IsValid(name) && !servers.Contains(name, StringComparer.Ordinal) && servers.Count < MaxServers)
                    servers.Add(name);
        // The alias's own server first: it answered for the room, so it is the likeliest to be able to help join it.
        servers.Remove(server);
        servers.Insert(0, server);
        return new ResolvedRoomAlias(roomId, servers);
    }
}
