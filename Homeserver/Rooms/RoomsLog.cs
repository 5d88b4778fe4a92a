namespace Homeserver.Rooms;

/// <summary>Log messages of the rooms services (event ids 5300–5319).</summary>
internal static partial class RoomsLog
{
    [LoggerMessage(EventId = 5300, Level = LogLevel.Warning, Message = "Inviting {Invitee} to the new room {RoomId} failed: {Reason}")]
    public static partial void RemoteInviteFailed(ILogger logger, string invitee, string roomId, string reason);
}
