using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.History;

/// <summary>Log messages of room history over federation; event ids 3400-3419.</summary>
internal static partial class HistoryLog
{
    [LoggerMessage(EventId = 3400, Level = LogLevel.Information, Message = "Backfill of room {RoomId} from {Server} failed: {Reason}")]
    public static partial void BackfillFailed(ILogger logger, string roomId, string server, string reason);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Debug, Message = "Backfill of room {RoomId} from {Server} stored {Stored} events and dropped {Dropped}")]
    public static partial void Backfilled(ILogger logger, string roomId, string server, int stored, int dropped);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Error, Message = "Backfill of room {RoomId} failed")]
    public static partial void BackfillCrashed(ILogger logger, Exception exception, string roomId);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Debug, Message = "Backfilled event {EventId} of room {RoomId} was dropped: {Reason}")]
    public static partial void BackfilledEventDropped(ILogger logger, string? eventId, string roomId, string reason);
}
