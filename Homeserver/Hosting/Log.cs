using Microsoft.Extensions.Logging;

namespace Homeserver.Hosting;

/// <summary>Log messages of start-up, listeners and configuration (event ids 1000-1099 of the Homeserver range 1000-1999).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Homeserver {ServerName} started with config {ConfigPath}")]
    public static partial void Started(ILogger logger, string serverName, string configPath);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Listening on {Url} for {Resources}")]
    public static partial void Listening(ILogger logger, string url, string resources);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Refused {Path} on listener {Listener}: it does not serve the {Resource} resource")]
    public static partial void ResourceNotServed(ILogger logger, string path, int listener, string resource);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Homeserver {ServerName} stopping")]
    public static partial void Stopping(ILogger logger, string serverName);
}
