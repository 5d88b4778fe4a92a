using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.Transport;

/// <summary>Log messages of server discovery and the federation HTTP client (event ids 3650-3699).</summary>
internal static partial class TransportLog
{
    [LoggerMessage(EventId = 3650, Level = LogLevel.Debug, Message = "No well-known delegation for {Host}: {Reason}")]
    public static partial void NoWellKnown(ILogger logger, string host, string reason);

    [LoggerMessage(EventId = 3651, Level = LogLevel.Debug, Message = "{Method} {Destination}{Path} via {Host}:{Port}: {Status}")]
    public static partial void Sent(ILogger logger, string method, string destination, string path, string host, int port, int status);

    [LoggerMessage(EventId = 3652, Level = LogLevel.Information, Message = "{Method} {Destination}{Path} failed: {Reason}")]
    public static partial void Failed(ILogger logger, string method, string destination, string path, string reason);
}
