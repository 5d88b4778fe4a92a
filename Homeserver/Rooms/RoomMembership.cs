using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.Federation.Membership;
using Homeserver.Federation.Rooms;
using Homeserver.Storage.Events;
using Homeserver.Storage.Federation;
using Homeserver.Storage.UserData;

namespace Homeserver.Rooms;

/// <summary>
/// Membership changes a local user asks for (join, leave, invite, kick, ban, unban, knock, forget), each an
/// <c>m.room.member</c> event through the pipeline, whose auth rules decide (403 with their reason).
/// In rooms this server does not take part in (no joined local member), join, knock and rejecting an
/// invite go over federation (<see cref="RemoteMembership"/>), and inviting a remote user has their
/// server co-sign the invite.
/// </summary>
public sealed class RoomMembership(RoomEventSender sender, RoomStateReader reader, IRoomReadStore reads, IProfileStore profiles, ServerIdentity identity,
    RoomDirectory directory, RoomServers roomServers, RemoteMembership remote, RemoteInvites remoteInvites, IRemoteInviteStore pendingInvites)
{
    /// <param name="servers">Servers to join through when this server is not in the room (<c>via</c>, <c>server_name</c>).</param>
    public async Task<string> JoinAsync(string userId, bool isGuest, string roomIdOrAlias, string? reason, CancellationToken cancellationToken,
        IReadOnlyList<string>? servers = null)
    {
        var (roomId, aliasServers) = await ResolveAsync(roomIdOrAlias, cancellationToken);
        servers = WithAliasServers(servers, aliasServers);
        if (await RemoteCandidatesAsync(roomId, userId, servers, cancellationToken) is { } candidates)
        {
            if (isGuest) throw new MatrixException(403, ErrorCodes.GuestAccessForbidden, "Guests cannot join rooms of other servers.");
            await remote.JoinAsync(roomId, userId, candidates, await ContentAsync(userId, "join", reason, cancellationToken), cancellationToken);
            await reads.UnforgetRoomAsync(userId, roomId, cancellationToken);
            return roomId;
        }
        await RequireKnownAsync(roomId, cancellationToken);
        if (isGuest && RoomStateReader.StringField(await reader.GetCurrentContentAsync(roomId, "m.room.guest_access", "", cancellationToken),
                "guest_access") != "can_join")
            throw new MatrixException(403, ErrorCodes.GuestAccessForbidden, "This room does not allow guests to join.");
        await SetAsync(roomId, userId, userId, "join", reason, cancellationToken);
        await reads.UnforgetRoomAsync(userId, roomId, cancellationToken);
        return roomId;
    }

    public async Task<string> KnockAsync(string userId, string roomIdOrAlias, string? reason, CancellationToken cancellationToken,
        IReadOnlyList<string>? servers = null)
    {
        var (roomId, aliasServers) = await ResolveAsync(roomIdOrAlias, cancellationToken);
        servers = WithAliasServers(servers, aliasServers);
        if (await RemoteCandidatesAsync(roomId, userId, servers, cancellationToken) is { } candidates)
        {
            await remote.KnockAsync(roomId, userId, candidates, await ContentAsync(userId, "knock", reason, cancellationToken), cancellationToken);
            return roomId;
        }
        await RequireKnownAsync(roomId, cancellationToken);
        await SetAsync(roomId, userId, userId, "knock", reason, cancellationToken);
        return roomId;
    }

    public async Task LeaveAsync(string userId, string roomId, string? reason, CancellationToken cancellationToken)
    {
        // Rejecting an invite to a room this server does not take part in: through the inviting server.
        if (!await IsServedHereAsync(roomId, cancellationToken)
            && await pendingInvites.GetAsync(roomId, userId, cancellationToken) is { State: RemoteInviteRecord.Pending })
        {
            var candidates = await remote.CandidateServersAsync(roomId, userId, [], cancellationToken);
            await remote.LeaveAsync(roomId, userId, candidates, await ContentAsync(userId, "leave", reason, cancellationToken), cancellationToken);
            return;
        }
        await reader.RequireRoomAsync(roomId, cancellationToken);
        if (await reader.GetMembershipAsync(roomId, userId, cancellationToken) is null or "leave")
            throw MatrixException.Forbidden("You are not a member of this room.");
        await SetAsync(roomId, userId, userId, "leave", reason, cancellationToken);
    }

    /// <summary>Invite, kick (leave), ban: the sender changes another user's membership.</summary>
    public Task SetOtherAsync(string senderId, string roomId, string targetUserId, string membership, string? reason,
        CancellationToken cancellationToken)
    {
        if (!UserId.IsValid(targetUserId)) throw MatrixException.InvalidParam($"'{targetUserId}' is not a valid user ID.");
        if (membership == "invite" && RoomServers.ServerOf(targetUserId) != identity.ServerName)
            return InviteRemoteAsync(roomId, senderId, targetUserId, reason, cancellationToken);
        return SetAsync(roomId, senderId, targetUserId, membership, reason, cancellationToken);
    }

    private async Task InviteRemoteAsync(string roomId, string senderId, string targetUserId, string? reason, CancellationToken cancellationToken)
    {
        await reader.RequireRoomAsync(roomId, cancellationToken);
        var content = new JsonObject { ["membership"] = "invite" };
        if (reason is not null) content["reason"] = reason;
        await remoteInvites.InviteAsync(new LocalEventDraft(roomId, "m.room.member", targetUserId, senderId, content), cancellationToken);
    }

    public async Task UnbanAsync(string senderId, string roomId, string targetUserId, string? reason, CancellationToken cancellationToken)
    {
        if (!UserId.IsValid(targetUserId)) throw MatrixException.InvalidParam($"'{targetUserId}' is not a valid user ID.");
        await reader.RequireRoomAsync(roomId, cancellationToken);
        if (await reader.GetMembershipAsync(roomId, targetUserId, cancellationToken) != "ban")
            throw MatrixException.Forbidden($"{targetUserId} is not banned from this room.");
        await SetAsync(roomId, senderId, targetUserId, "leave", reason, cancellationToken);
    }

    public async Task ForgetAsync(string userId, string roomId, CancellationToken cancellationToken)
    {
        await reader.RequireRoomAsync(roomId, cancellationToken);
        var membership = await reader.GetMembershipAsync(roomId, userId, cancellationToken);
        if (membership is "join" or "invite" or "knock")
            throw new MatrixException(400, ErrorCodes.Unknown, "You must leave the room before forgetting it.");
        if (membership is null) throw MatrixException.NotFound("You have never been a member of this room.");
        await reads.ForgetRoomAsync(userId, roomId, cancellationToken);
    }

    private async Task<string> SetAsync(string roomId, string senderId, string target, string membership, string? reason,
        CancellationToken cancellationToken)
    {
        await reader.RequireRoomAsync(roomId, cancellationToken);
        var content = await ContentAsync(target, membership, reason, cancellationToken);
        return await sender.SendAsync(roomId, "m.room.member", target, senderId, content, null, cancellationToken);
    }

    private async Task<JsonObject> ContentAsync(string target, string membership, string? reason, CancellationToken cancellationToken)
    {
        var content = new JsonObject { ["membership"] = membership };
        if (reason is not null) content["reason"] = reason;
        if (membership == "join") MemberProfile.Apply(content, await profiles.GetAsync(target, cancellationToken));
        return content;
    }

    /// <summary>A room id: local aliases resolve through the directory.</summary>
    /// <summary>The room id, and for an alias the servers its directory names (to join through when the room is not served here).</summary>
    private async Task<(string RoomId, IReadOnlyList<string> Servers)> ResolveAsync(string roomIdOrAlias, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> servers = [];
        if (RoomAlias.IsValid(roomIdOrAlias))
            (roomIdOrAlias, servers) = await directory.ResolveWithServersAsync(roomIdOrAlias, cancellationToken);
        if (!RoomId.IsValid(roomIdOrAlias)) throw MatrixException.InvalidParam($"'{roomIdOrAlias}' is not a room ID or alias.");
        return (roomIdOrAlias, servers);
    }

    private static IReadOnlyList<string> WithAliasServers(IReadOnlyList<string>? servers, IReadOnlyList<string> aliasServers) =>
        [.. (servers ?? []).Concat(aliasServers).Distinct(StringComparer.Ordinal)];

    private async Task RequireKnownAsync(string roomId, CancellationToken cancellationToken)
    {
        if (await reader.Store.GetRoomAsync(roomId, cancellationToken) is null)
            throw MatrixException.NotFound(roomId.EndsWith(":" + identity.ServerName, StringComparison.Ordinal) || !roomId.Contains(':')
                ? "Unknown room."
                : "This server is not in that room; give a server that is with server_name or via.");
    }

    /// <summary>Whether a local user is joined to the room, so this server can send membership events there itself.</summary>
    private async Task<bool> IsServedHereAsync(string roomId, CancellationToken cancellationToken) =>
        await reader.Store.GetRoomAsync(roomId, cancellationToken) is not null
        && await roomServers.IsInRoomAsync(roomId, identity.ServerName, cancellationToken);

    /// <summary>The servers to go through when this server is not in the room; null to stay local (no candidate either).</summary>
    private async Task<IReadOnlyList<string>?> RemoteCandidatesAsync(string roomId, string userId, IReadOnlyList<string>? servers,
        CancellationToken cancellationToken)
    {
        if (!remote.IsAvailable || await IsServedHereAsync(roomId, cancellationToken)) return null;
        var candidates = await remote.CandidateServersAsync(roomId, userId, servers ?? [], cancellationToken);
        return candidates.Count > 0 ? candidates : null;
    }
}
