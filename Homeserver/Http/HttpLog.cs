namespace Homeserver.Http;

/// <summary>Log messages of the HTTP layer; event ids 2000-2099.</summary>
internal static partial class HttpLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Error,
        Message = "Unhandled exception while processing {Method} {Path}")]
    public static partial void UnhandledException(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug,
        Message = "Request {Method} {Path} was aborted by the client")]
    public static partial void RequestAborted(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
        Message = "Error {ErrorCode} for {Method} {Path} after the response had started; aborting the connection")]
    public static partial void ErrorAfterResponseStarted(ILogger logger, string errorCode, string method, string path);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug,
        Message = "Bad request {Method} {Path}: {Reason}")]
    public static partial void BadRequest(ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug,
        Message = "Rate limit {Policy} exceeded for {Key}; retry after {RetryAfterMs} ms")]
    public static partial void RateLimited(ILogger logger, string policy, string key, long retryAfterMs);
}
