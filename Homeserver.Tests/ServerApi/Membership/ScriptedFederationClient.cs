using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Homeserver.Federation.Transport;

namespace Homeserver.Tests.ServerApi.Membership;

/// <summary>
/// An <see cref="IFederationClient"/> whose answers a test scripts: the first handler whose path
/// prefix matches answers (a JSON body, or a thrown <see cref="FederationRequestException"/>). Requests are recorded.
/// </summary>
public sealed class ScriptedFederationClient : IFederationClient
{
    private readonly List<(string PathPrefix, Func<JsonNode?, JsonNode?> Answer)> _handlers = [];

    public ConcurrentQueue<(string Destination, HttpMethod Method, string PathAndQuery, JsonNode? Body)> Requests { get; } = new();

    public void On(string pathPrefix, Func<JsonNode?, JsonNode?> answer) => _handlers.Add((pathPrefix, answer));

    /// <summary>Forgets the script and the recorded requests (between tests sharing a host).</summary>
    public void Reset()
    {
        _handlers.Clear();
        Requests.Clear();
    }

    public Task<JsonNode?> SendJsonAsync(string destination, HttpMethod method, string pathAndQuery, JsonNode? body,
        CancellationToken cancellationToken)
    {
        Requests.Enqueue((destination, method, pathAndQuery, body?.DeepClone()));
        foreach (var (prefix, answer) in _handlers)
            if (pathAndQuery.StartsWith(prefix, StringComparison.Ordinal))
                return Task.FromResult(answer(body));
        throw new FederationRequestException(destination, "no scripted answer", 404, "M_UNRECOGNIZED");
    }

    public Task<HttpResponseMessage> SendRawAsync(string destination, HttpMethod method, string pathAndQuery, CancellationToken cancellationToken) =>
        throw new FederationRequestException(destination, "no raw requests in this test", 404);
}
