using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.Keys;

/// <summary>Log messages of server key fetching (event ids 3600-3649).</summary>
internal static partial class KeysLog
{
    [LoggerMessage(EventId = 3600, Level = LogLevel.Information, Message = "Could not fetch the keys of {ServerName} directly: {Reason}")]
    public static partial void DirectFetchFailed(ILogger logger, string serverName, string reason);

    [LoggerMessage(EventId = 3601, Level = LogLevel.Warning, Message = "Notary {Notary} gave no usable keys of {ServerName}: {Reason}")]
    public static partial void NotaryFetchFailed(ILogger logger, string notary, string serverName, string reason);

    [LoggerMessage(EventId = 3602, Level = LogLevel.Debug, Message = "Fetched {Count} keys of {ServerName}, valid until {ValidUntilTs}")]
    public static partial void Fetched(ILogger logger, string serverName, int count, long validUntilTs);

    [LoggerMessage(EventId = 3603, Level = LogLevel.Warning, Message = "Ignoring a stored key of {ServerName}: {Reason}")]
    public static partial void StoredKeyIgnored(ILogger logger, string serverName, string reason);
}
