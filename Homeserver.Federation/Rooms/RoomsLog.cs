using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.Rooms;

/// <summary>Log messages of the room event pipeline; event ids 3000-3099.</summary>
internal static partial class RoomsLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "Room {RoomId} changed while a batch of {Count} events was prepared; attempt {Attempt}")]
    public static partial void RoomChangedRetrying(ILogger logger, string roomId, int count, int attempt);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Writing a batch of {Count} events to room {RoomId} failed")]
    public static partial void BatchFailed(ILogger logger, Exception exception, string roomId, int count);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Processing event {EventId} of room {RoomId} failed")]
    public static partial void EventFailed(ILogger logger, Exception exception, string? eventId, string roomId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Event {EventId} in room {RoomId}: {Outcome} {Rule} {Reason}")]
    public static partial void EventNotAccepted(ILogger logger, string? eventId, string roomId, RoomEventOutcome outcome, string? rule, string? reason);
}
