using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.Membership;

/// <summary>Log messages of the membership handshakes; event ids 3470-3479.</summary>
internal static partial class MembershipLog
{
    [LoggerMessage(EventId = 3470, Level = LogLevel.Information,
        Message = "{Membership} of {UserId} in {RoomId} through {Server} failed, trying the next server if any: {Reason}")]
    public static partial void HandshakeFailed(ILogger logger, string membership, string userId, string roomId, string server, string reason);

    [LoggerMessage(EventId = 3471, Level = LogLevel.Information, Message = "Stored an invite of {UserId} to {RoomId} from {Sender}")]
    public static partial void RemoteInviteStored(ILogger logger, string userId, string roomId, string sender);

    [LoggerMessage(EventId = 3472, Level = LogLevel.Information,
        Message = "Joined {RoomId} through {Server}: {Events} state and auth chain events; make_join and send_join {HandshakeMs} ms, answer checked in {CheckMs} ms, stored in {StoreMs} ms")]
    public static partial void RemoteJoinTimed(ILogger logger, string roomId, string server, int events, long handshakeMs, long checkMs, long storeMs);
}
