using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.Sending;

/// <summary>Log messages of outbound federation transactions; event ids 3300-3349.</summary>
internal static partial class SendingLog
{
    [LoggerMessage(EventId = 3300, Level = LogLevel.Information,
        Message = "No federation client is registered: nothing is queued or sent to other servers")]
    public static partial void NoClient(ILogger logger);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Error, Message = "Queueing outbound federation work failed")]
    public static partial void QueueingFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Warning,
        Message = "Transaction {TransactionId} to {Destination} failed ({Error}); next attempt in {Backoff}")]
    public static partial void TransactionFailed(ILogger logger, string transactionId, string destination, string error, TimeSpan backoff);

    [LoggerMessage(EventId = 3309, Level = LogLevel.Warning, Message = "{Destination} keeps failing: dropped its {Count} oldest queued events (it fetches them when back)")]
    public static partial void QueueTrimmed(ILogger logger, string destination, int count);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Warning, Message = "{Destination} refused event {EventId} of transaction {TransactionId}: {Error}")]
    public static partial void PduRefused(ILogger logger, string destination, string eventId, string transactionId, string error);

    [LoggerMessage(EventId = 3304, Level = LogLevel.Warning,
        Message = "{Destination} refused transaction {TransactionId} as invalid ({Status}); its {Pdus} PDUs and {Edus} EDUs are dropped")]
    public static partial void TransactionDropped(ILogger logger, string destination, string transactionId, int? status, int pdus, int edus);

    [LoggerMessage(EventId = 3305, Level = LogLevel.Debug, Message = "Sent transaction {TransactionId} to {Destination}: {Pdus} PDUs, {Edus} EDUs")]
    public static partial void TransactionSent(ILogger logger, string transactionId, string destination, int pdus, int edus);

    [LoggerMessage(EventId = 3306, Level = LogLevel.Error, Message = "Sending to {Destination} failed unexpectedly")]
    public static partial void DestinationFailed(ILogger logger, Exception exception, string destination);

    [LoggerMessage(EventId = 3307, Level = LogLevel.Debug, Message = "Federation with {Destination} is not allowed: its queued items are dropped")]
    public static partial void DestinationDenied(ILogger logger, string destination);
}
