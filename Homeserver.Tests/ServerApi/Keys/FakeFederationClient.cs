using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Homeserver.Federation.Transport;

namespace Homeserver.Tests.ServerApi.Keys;

/// <summary>An <see cref="IFederationClient"/> that answers from a test's function and records every request.</summary>
public sealed class FakeFederationClient : IFederationClient
{
    /// <summary>(destination, method, path, body) to the answer; throw <see cref="FederationRequestException"/> for failures.</summary>
    public Func<string, HttpMethod, string, JsonNode?, Task<JsonNode?>> Handler { get; set; } =
        (destination, _, _, _) => throw new FederationRequestException(destination, "unreachable (fake)");

    public ConcurrentQueue<(string Destination, HttpMethod Method, string Path, JsonNode? Body)> Requests { get; } = new();

    public int CountTo(string destination) => Requests.Count(r => r.Destination == destination);

    public async Task<JsonNode?> SendJsonAsync(string destination, HttpMethod method, string pathAndQuery, JsonNode? body,
        CancellationToken cancellationToken)
    {
        Requests.Enqueue((destination, method, pathAndQuery, body?.DeepClone()));
        var answer = await Handler(destination, method, pathAndQuery, body);
        return answer?.DeepClone();
    }

    public Task<HttpResponseMessage> SendRawAsync(string destination, HttpMethod method, string pathAndQuery, CancellationToken cancellationToken) =>
        throw new FederationRequestException(destination, "raw requests are not faked");
}
