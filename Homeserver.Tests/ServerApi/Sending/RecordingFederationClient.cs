using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Homeserver.Federation.Transport;

namespace Homeserver.Tests.ServerApi.Sending;

/// <summary>
/// An <see cref="IFederationClient"/> that records every request and answers as the test says: unreachable
/// while <see cref="Unreachable"/> is set, held while <see cref="Gate"/> is pending, otherwise by
/// <see cref="Answer"/> (an empty transaction result by default).
/// </summary>
public sealed class RecordingFederationClient : IFederationClient
{
    public sealed record Request(string Destination, HttpMethod Method, string Path, JsonObject? Body);

    private readonly ConcurrentQueue<Request> _requests = new();

    public volatile bool Unreachable;

    public TaskCompletionSource? Gate { get; set; }

    public Func<Request, JsonNode?>? Answer { get; set; }

    public IReadOnlyList<Request> Requests => [.. _requests];

    /// <summary>The transactions (<c>PUT /send</c>) sent to a destination, attempts included, in order.</summary>
    public IReadOnlyList<Request> TransactionsTo(string destination) =>
        [.. _requests.Where(r => r.Destination == destination && r.Method == HttpMethod.Put && r.Path.StartsWith("/_matrix/federation/v1/send/", StringComparison.Ordinal))];

    public async Task<JsonNode?> SendJsonAsync(string destination, HttpMethod method, string pathAndQuery, JsonNode? body,
        CancellationToken cancellationToken)
    {
        var request = new Request(destination, method, pathAndQuery, body?.DeepClone() as JsonObject);
        _requests.Enqueue(request);
        if (Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
        if (Unreachable) throw new FederationRequestException(destination, "unreachable (test)");
        return Answer?.Invoke(request) ?? new JsonObject { ["pdus"] = new JsonObject() };
    }

    public Task<HttpResponseMessage> SendRawAsync(string destination, HttpMethod method, string pathAndQuery, CancellationToken cancellationToken) =>
        throw new FederationRequestException(destination, "no raw requests in this test", 404);
}
