namespace Homeserver.Federation.Transport;

/// <summary>
/// A federation request that did not produce a usable answer: the destination could not be reached
/// (<see cref="StatusCode"/> null), or it answered with an error status, or its body was not valid JSON.
/// </summary>
public sealed class FederationRequestException(string destination, string message, int? statusCode = null, string? errorCode = null,
    Exception? inner = null) : Exception($"{destination}: {message}", inner)
{
    public string Destination { get; } = destination;

    /// <summary>The HTTP status of the answer; null when there was none (DNS, connection, TLS, timeout).</summary>
    public int? StatusCode { get; } = statusCode;

    /// <summary>The Matrix <c>errcode</c> of an error answer, when it had one.</summary>
    public string? ErrorCode { get; } = errorCode;

    /// <summary>No answer at all: worth retrying later with backoff.</summary>
    public bool IsUnreachable => StatusCode is null;
}
