using System.Text.Json.Nodes;

namespace Homeserver.Federation.Http;

/// <summary>
/// A Matrix API error: the spec's "standard error response" (<c>errcode</c>, <c>error</c>, plus extra
/// fields some codes define) and the HTTP status to answer with. Thrown by Client-Server and
/// Server-Server endpoints alike; one middleware turns it into the response.
/// </summary>
public sealed class MatrixException : Exception
{
    private readonly Dictionary<string, JsonNode?> _extra;

    public MatrixException(int statusCode, string errorCode, string message, IReadOnlyDictionary<string, JsonNode?>? extra = null)
        : base(message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        ArgumentException.ThrowIfNullOrEmpty(errorCode);
        StatusCode = statusCode;
        ErrorCode = errorCode;
        _extra = extra is null ? [] : new Dictionary<string, JsonNode?>(extra);
        if (_extra.ContainsKey("errcode") || _extra.ContainsKey("error"))
            throw new ArgumentException("Extra fields must not redefine errcode or error.", nameof(extra));
    }

    /// <summary>The HTTP status code of the response.</summary>
    public int StatusCode { get; }

    /// <summary>The Matrix <c>errcode</c>, see <see cref="ErrorCodes"/>.</summary>
    public string ErrorCode { get; }

    /// <summary>Fields the error code defines besides <c>errcode</c> and <c>error</c>.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Extra => _extra;

    /// <summary>For <c>M_LIMIT_EXCEEDED</c>: how long the client should wait (the <c>Retry-After</c> header).</summary>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>The response body: <c>{"errcode": ..., "error": ..., ...extra}</c>.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["errcode"] = ErrorCode, ["error"] = Message };
        foreach (var (key, value) in _extra)
            json[key] = value?.DeepClone();
        return json;
    }

    public static MatrixException BadJson(string message) => new(400, ErrorCodes.BadJson, message);

    public static MatrixException NotJson(string message) => new(400, ErrorCodes.NotJson, message);

    public static MatrixException InvalidParam(string message) => new(400, ErrorCodes.InvalidParam, message);

    public static MatrixException MissingParam(string message) => new(400, ErrorCodes.MissingParam, message);

    public static MatrixException NotFound(string message = "Not found.") => new(404, ErrorCodes.NotFound, message);

    public static MatrixException Forbidden(string message) => new(403, ErrorCodes.Forbidden, message);

    public static MatrixException MissingToken() =>
        new(401, ErrorCodes.MissingToken, "Missing access token.");

    /// <param name="softLogout">True when the client may log in again keeping its device state.</param>
    public static MatrixException UnknownToken(bool softLogout = false, string message = "Unrecognised access token.") =>
        new(401, ErrorCodes.UnknownToken, message, new Dictionary<string, JsonNode?> { ["soft_logout"] = softLogout });

    /// <summary>429 with <c>retry_after_ms</c> and a <c>Retry-After</c> header.</summary>
    public static MatrixException LimitExceeded(TimeSpan retryAfter)
    {
        var milliseconds = (long)Math.Ceiling(Math.Max(0, retryAfter.TotalMilliseconds));
        return new MatrixException(429, ErrorCodes.LimitExceeded, "Too many requests.",
            new Dictionary<string, JsonNode?> { ["retry_after_ms"] = milliseconds })
        {
            RetryAfter = TimeSpan.FromMilliseconds(milliseconds),
        };
    }

    /// <summary>404 for an endpoint we do not implement, 405 for a known path with the wrong method.</summary>
    public static MatrixException Unrecognized(int statusCode = 404, string message = "Unrecognized request.") =>
        new(statusCode, ErrorCodes.Unrecognized, message);

    public static MatrixException TooLarge(string message = "Request body too large.") =>
        new(413, ErrorCodes.TooLarge, message);

    public static MatrixException Unknown(int statusCode, string message) =>
        new(statusCode, ErrorCodes.Unknown, message);
}
