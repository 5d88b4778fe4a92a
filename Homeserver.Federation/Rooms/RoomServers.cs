using Homeserver.Storage.Events;

namespace Homeserver.Federation.Rooms;

/// <summary>
/// Which servers take part in a room: those with at least one joined member in its current state.
/// They receive the room's new events and EDUs, and are asked for its history.
/// </summary>
public sealed class RoomServers(IRoomEventStore store, ServerIdentity identity)
{
    /// <summary>The servers of the room's joined members, this server included when it has one, sorted.</summary>
    public async Task<IReadOnlyList<string>> GetJoinedServersAsync(string roomId, CancellationToken cancellationToken)
    {
        var users = await store.GetUsersInRoomAsync(roomId, "join", cancellationToken).ConfigureAwait(false);
        var servers = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var user in users)
            if (ServerOf(user) is { } server) servers.Add(server);
        return [.. servers];
    }

    /// <summary>The server part of a user id (after the first colon), or null when there is none.</summary>
    public static string? ServerOf(string userId)
    {
        var colon = userId.IndexOf(':');
        return colon > 0 && colon < userId.Length - 1 ? userId[(colon + 1)..] : null;
    }

    /// <summary>The other servers of the room (the destinations of what this server sends to it).</summary>
    public async Task<IReadOnlyList<string>> GetRemoteServersAsync(string roomId, CancellationToken cancellationToken) =>
        (await GetJoinedServersAsync(roomId, cancellationToken).ConfigureAwait(false)).Where(s => s != identity.ServerName).ToList();

    /// <summary>Whether <paramref name="serverName"/> has a joined member in the room now.</summary>
    public async Task<bool> IsInRoomAsync(string roomId, string serverName, CancellationToken cancellationToken) =>
        (await GetJoinedServersAsync(roomId, cancellationToken).ConfigureAwait(false)).Contains(serverName, StringComparer.Ordinal);
}
