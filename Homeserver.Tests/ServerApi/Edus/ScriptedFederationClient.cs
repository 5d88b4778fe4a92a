using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Homeserver.Federation.Transport;

namespace Homeserver.Tests.ServerApi.Edus;

/// <summary>
/// An <see cref="IFederationClient"/> whose answers a test scripts per path; every request is recorded, and a path
/// without a script fails as unreachable.
/// </summary>
public sealed class ScriptedFederationClient : IFederationClient
{
    public sealed record Call(string Destination, HttpMethod Method, string PathAndQuery, JsonNode? Body);

    private readonly ConcurrentQueue<Call> _calls = new();
    private readonly ConcurrentDictionary<string, Func<Call, JsonNode?>> _answers = new(StringComparer.Ordinal);

    public IReadOnlyList<Call> Calls => [.. _calls];

    /// <summary>Answers requests to <paramref name="pathAndQuery"/> (on any server) with <paramref name="answer"/>'s result.</summary>
    public void Answer(string pathAndQuery, Func<Call, JsonNode?> answer) => _answers[pathAndQuery] = answer;

    public Task<JsonNode?> SendJsonAsync(string destination, HttpMethod method, string pathAndQuery, JsonNode? body,
        CancellationToken cancellationToken)
    {
        var call = new Call(destination, method, pathAndQuery, body?.DeepClone());
        _calls.Enqueue(call);
        return _answers.TryGetValue(pathAndQuery, out var answer)
            ? Task.FromResult(answer(call)?.DeepClone())
            : throw new FederationRequestException(destination, "unreachable (scripted)");
    }

    public Task<HttpResponseMessage> SendRawAsync(string destination, HttpMethod method, string pathAndQuery, CancellationToken cancellationToken) =>
        throw new FederationRequestException(destination, "unreachable (scripted)");
}
