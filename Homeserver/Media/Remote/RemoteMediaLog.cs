namespace Homeserver.Media.Remote;

/// <summary>Log messages of the remote media cache; event ids 2650-2669 (within the media repository's range).</summary>
internal static partial class RemoteMediaLog
{
    [LoggerMessage(EventId = 2650, Level = LogLevel.Information, Message = "Fetching media {MediaId} from {Origin} failed: {Reason}")]
    public static partial void FetchFailed(ILogger logger, string origin, string mediaId, string reason);

    [LoggerMessage(EventId = 2651, Level = LogLevel.Information, Message = "Cached media {MediaId} of {Origin}: {Size} bytes of {ContentType}")]
    public static partial void Cached(ILogger logger, string origin, string mediaId, long size, string contentType);
}
