using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.Federation.Rooms;
using Homeserver.Storage.Events;
using Homeserver.Storage.UserData;

namespace Homeserver.Rooms;

/// <summary>
/// Membership changes a local user asks for (join, leave, invite, kick, ban, unban, knock, forget), each an
/// <c>m.room.member</c> event through the pipeline, whose auth rules decide (403 with their reason).
/// </summary>
public sealed class RoomMembership(RoomEventSender sender, RoomStateReader reader, IRoomReadStore reads, IProfileStore profiles, ServerIdentity identity,
    RoomDirectory directory)
{
    public async Task<string> JoinAsync(string userId, bool isGuest, string roomIdOrAlias, string? reason, CancellationToken cancellationToken)
    {
        var roomId = await ResolveAsync(roomIdOrAlias, cancellationToken);
        if (isGuest && RoomStateReader.StringField(await reader.GetCurrentContentAsync(roomId, "m.room.guest_access", "", cancellationToken),
                "guest_access") != "can_join")
            throw new MatrixException(403, ErrorCodes.GuestAccessForbidden, "This room does not allow guests to join.");
        await SetAsync(roomId, userId, userId, "join", reason, cancellationToken);
        await reads.UnforgetRoomAsync(userId, roomId, cancellationToken);
        return roomId;
    }

    public async Task<string> KnockAsync(string userId, string roomIdOrAlias, string? reason, CancellationToken cancellationToken)
    {
        var roomId = await ResolveAsync(roomIdOrAlias, cancellationToken);
        await SetAsync(roomId, userId, userId, "knock", reason, cancellationToken);
        return roomId;
    }

    public async Task LeaveAsync(string userId, string roomId, string? reason, CancellationToken cancellationToken)
    {
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
        return SetAsync(roomId, senderId, targetUserId, membership, reason, cancellationToken);
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
        var content = new JsonObject { ["membership"] = membership };
        if (reason is not null) content["reason"] = reason;
        if (membership == "join") MemberProfile.Apply(content, await profiles.GetAsync(target, cancellationToken));
        return await sender.SendAsync(roomId, "m.room.member", target, senderId, content, null, cancellationToken);
    }

    /// <summary>A room id of a room this server holds; local aliases resolve through the directory, remote rooms need federation.</summary>
    private async Task<string> ResolveAsync(string roomIdOrAlias, CancellationToken cancellationToken)
    {
        if (RoomAlias.IsValid(roomIdOrAlias))
            roomIdOrAlias = await directory.ResolveAsync(roomIdOrAlias, cancellationToken);
        if (!RoomId.IsValid(roomIdOrAlias)) throw MatrixException.InvalidParam($"'{roomIdOrAlias}' is not a room ID or alias.");
        if (await reader.Store.GetRoomAsync(roomIdOrAlias, cancellationToken) is null)
            throw MatrixException.NotFound(roomIdOrAlias.EndsWith(":" + identity.ServerName, StringComparison.Ordinal) || !roomIdOrAlias.Contains(':')
                ? "Unknown room."
                : "This server is not in that room, and joining rooms over federation is not supported yet.");
        return roomIdOrAlias;
    }
}
