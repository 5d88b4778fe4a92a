namespace Homeserver.Media;

/// <summary>Log messages of the media repository; event ids 2600-2699.</summary>
internal static partial class MediaLog
{
    [LoggerMessage(EventId = 2600, Level = LogLevel.Information,
        Message = "Stored media {MediaId} for {UserId}: {Size} bytes of {ContentType}")]
    public static partial void Stored(ILogger logger, string mediaId, string userId, long size, string contentType);

    [LoggerMessage(EventId = 2601, Level = LogLevel.Warning,
        Message = "Could not thumbnail media {MediaId}: {Reason}")]
    public static partial void ThumbnailFailed(ILogger logger, string mediaId, string reason);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Information,
        Message = "URL preview of {Host} failed: {Reason}")]
    public static partial void PreviewFailed(ILogger logger, string host, string reason);

    [LoggerMessage(EventId = 2603, Level = LogLevel.Information,
        Message = "URL preview refused a connection to {Address} (host {Host}): blocked IP range")]
    public static partial void PreviewAddressBlocked(ILogger logger, string address, string host);
}
