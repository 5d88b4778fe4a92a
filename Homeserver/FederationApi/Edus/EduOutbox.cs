using System.Text.Json.Nodes;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Transport;
using Homeserver.Sync;

namespace Homeserver.FederationApi.Edus;

/// <summary>
/// Hands outbound EDUs to the <see cref="IFederationSender"/> for the servers that should get them: the
/// other servers of a room, or every other server sharing a room with a user. A server composed without
/// a federation sender (no federation at all) sends nothing.
/// </summary>
public sealed class EduOutbox(IServiceProvider services, RoomServers roomServers, SharedRooms sharedRooms, ServerIdentity identity)
{
    // Resolved on use: the sender is registered by the federation transport, which may itself depend on services using this one.
    private IFederationSender? Sender => services.GetService<IFederationSender>();

    /// <summary>Sends the EDU to the other servers with joined members in the room.</summary>
    public async Task ToRoomAsync(string roomId, string eduType, JsonObject content, CancellationToken cancellationToken)
    {
        if (Sender is not { } sender)
            return;
        var servers = await roomServers.GetRemoteServersAsync(roomId, cancellationToken);
        if (servers.Count > 0)
            sender.QueueEdu(servers, eduType, content);
    }

    /// <summary>Sends the EDU to every other server with a joined member in a room the user is joined to.</summary>
    public async Task ToServersSharingARoomAsync(string userId, string eduType, JsonObject content, CancellationToken cancellationToken)
    {
        if (Sender is not { } sender)
            return;
        var servers = await ServersSharingARoomAsync(userId, cancellationToken);
        if (servers.Count > 0)
            sender.QueueEdu(servers, eduType, content);
    }

    /// <summary>Sends the EDU to one server (never to this one).</summary>
    public void ToServer(string server, string eduType, JsonObject content)
    {
        if (server != identity.ServerName)
            Sender?.QueueEdu(server, eduType, content);
    }

    /// <summary>The other servers with a joined member in a room the user is joined to, sorted.</summary>
    public async Task<IReadOnlyList<string>> ServersSharingARoomAsync(string userId, CancellationToken cancellationToken)
    {
        var servers = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var roomId in await sharedRooms.JoinedRoomsAsync(userId, cancellationToken))
            servers.UnionWith(await roomServers.GetRemoteServersAsync(roomId, cancellationToken));
        return [.. servers];
    }
}
