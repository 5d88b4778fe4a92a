using System.Text.Json.Nodes;

namespace Homeserver.Http;

/// <summary>
/// A user-interactive authentication answer: 401 with <c>flows</c>, <c>params</c>, <c>session</c>,
/// <c>completed</c>, and <c>errcode</c>/<c>error</c> only after a failed stage. It is not a standard
/// error response (the first challenge has no <c>errcode</c>), so the error middleware writes
/// <see cref="Body"/> as it is.
/// </summary>
public sealed class UiaChallengeException(JsonObject body) : Exception("User-interactive authentication required.")
{
    public const int StatusCode = 401;

    public JsonObject Body { get; } = body;
}
