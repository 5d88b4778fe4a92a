using Microsoft.Extensions.Logging;

namespace Homeserver.FederationApi.Edus;

/// <summary>Log messages of inbound and outbound EDUs (event ids 1740-1759 of the Homeserver range 1000-1999).</summary>
internal static partial class EduLog
{
    [LoggerMessage(EventId = 1740, Level = LogLevel.Debug, Message = "Ignored part of an {EduType} EDU from {Origin}: {Reason}")]
    public static partial void Ignored(ILogger logger, string eduType, string origin, string reason);

    [LoggerMessage(EventId = 1741, Level = LogLevel.Information, Message = "Device list of {UserId} resynchronised from {Server} at stream id {StreamId}")]
    public static partial void Resynced(ILogger logger, string userId, string server, long streamId);

    [LoggerMessage(EventId = 1742, Level = LogLevel.Warning, Message = "Device list of {UserId} could not be resynchronised from {Server}: {Reason}")]
    public static partial void ResyncFailed(ILogger logger, string userId, string server, string reason);
}
