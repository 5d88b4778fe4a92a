using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.Receiving;

/// <summary>Log messages of inbound federation transactions; event ids 3350-3399.</summary>
internal static partial class ReceivingLog
{
    [LoggerMessage(EventId = 3350, Level = LogLevel.Warning, Message = "EDU {EduType} from {Origin} failed in handler {Handler}")]
    public static partial void EduFailed(ILogger logger, Exception exception, string eduType, string origin, string handler);

    [LoggerMessage(EventId = 3351, Level = LogLevel.Debug, Message = "Ignored a malformed EDU from {Origin}: {Reason}")]
    public static partial void EduMalformed(ILogger logger, string origin, string reason);

    [LoggerMessage(EventId = 3352, Level = LogLevel.Debug, Message = "Ignored a PDU from {Origin} without a usable event id: {Reason}")]
    public static partial void PduWithoutId(ILogger logger, string origin, string reason);

    [LoggerMessage(EventId = 3353, Level = LogLevel.Error, Message = "Processing event {EventId} from {Origin} failed")]
    public static partial void PduFailed(ILogger logger, Exception exception, string eventId, string origin);

    [LoggerMessage(EventId = 3354, Level = LogLevel.Information, Message = "Fetching events of room {RoomId} from {Origin} failed: {Error}")]
    public static partial void FetchFailed(ILogger logger, string roomId, string origin, string error);

    [LoggerMessage(EventId = 3355, Level = LogLevel.Debug, Message = "Event {EventId} from {Origin}: {Outcome} {Reason}")]
    public static partial void PduNotAccepted(ILogger logger, string eventId, string origin, Rooms.RoomEventOutcome outcome, string? reason);

    [LoggerMessage(EventId = 3356, Level = LogLevel.Warning, Message = "The answer to transaction {TransactionId} from {Origin} could not be stored")]
    public static partial void AnswerNotStored(ILogger logger, Exception exception, string transactionId, string origin);
}
