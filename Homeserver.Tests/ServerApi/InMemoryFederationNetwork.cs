using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Signing;
using Homeserver.Federation.Transport;
using Homeserver.Tests.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Tests.ServerApi;

/// <summary>
/// Several in-memory homeservers (<see cref="TestHost"/>s) that federate with each other: each one's
/// <see cref="IFederationClient"/> signs its requests with its own key and hands them to the named
/// host's test server, and each one knows the others' keys. A test can take a server off the network
/// (<see cref="SetReachable"/>) to simulate an outage. Connect hosts before they start.
/// </summary>
public sealed class InMemoryFederationNetwork
{
    private readonly ConcurrentDictionary<string, TestHost> _hosts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _unreachable = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);

    /// <summary>Connects hosts with distinct server names: each gets the network's client and keys.</summary>
    public static InMemoryFederationNetwork Connect(params TestHost[] hosts)
    {
        var network = new InMemoryFederationNetwork();
        foreach (var host in hosts) network.Add(host);
        return network;
    }

    public void Add(TestHost host)
    {
        if (!_hosts.TryAdd(host.Config.ServerName, host))
            throw new ArgumentException($"two hosts are named {host.Config.ServerName}");
        host.Network = this;
    }

    public void SetReachable(string serverName, bool reachable)
    {
        if (reachable) _unreachable.TryRemove(serverName, out _);
        else _unreachable[serverName] = true;
    }

    /// <summary>The verify key of a host on the network (started on first use).</summary>
    internal VerifyKey? KeyOf(string serverName) =>
        _hosts.TryGetValue(serverName, out var host) ? VerifyKey.FromSigningKey(host.Services.GetRequiredService<ServerIdentity>().SigningKey) : null;

    internal async Task<HttpResponseMessage> SendAsync(string origin, SigningKey originKey, string destination, HttpMethod method,
        string pathAndQuery, JsonNode? body, CancellationToken cancellationToken)
    {
        if (_unreachable.ContainsKey(destination) || _unreachable.ContainsKey(origin) || !_hosts.TryGetValue(destination, out var host))
            throw new FederationRequestException(destination, "unreachable (in-memory network)");
        var client = _clients.GetOrAdd(destination, _ => host.CreateClient());
        using var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.TryAddWithoutValidation("Authorization",
            XMatrixAuthorization.CreateHeader(origin, destination, method.Method, pathAndQuery, body, originKey));
        request.Headers.TryAddWithoutValidation(Http.RawTargetFromHeader.HeaderName, pathAndQuery);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(CanonicalJson.Encode(body));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new FederationRequestException(destination, e.Message, inner: e);
        }
    }
}

/// <summary>The <see cref="IFederationClient"/> of a host on an <see cref="InMemoryFederationNetwork"/>.</summary>
public sealed class InMemoryFederationClient(InMemoryFederationNetwork network, ServerIdentity identity) : IFederationClient
{
    public async Task<JsonNode?> SendJsonAsync(string destination, HttpMethod method, string pathAndQuery, JsonNode? body,
        CancellationToken cancellationToken)
    {
        using var response = await network.SendAsync(identity.ServerName, identity.SigningKey, destination, method, pathAndQuery, body,
            cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonNode? json;
        try
        {
            json = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new FederationRequestException(destination, "invalid JSON: " + e.Message, (int)response.StatusCode, inner: e);
        }
        if (!response.IsSuccessStatusCode)
            throw new FederationRequestException(destination, $"{(int)response.StatusCode}: {json?["error"]}", (int)response.StatusCode,
                json?["errcode"]?.GetValue<string>());
        return json;
    }

    public async Task<HttpResponseMessage> SendRawAsync(string destination, HttpMethod method, string pathAndQuery,
        CancellationToken cancellationToken)
    {
        var response = await network.SendAsync(identity.ServerName, identity.SigningKey, destination, method, pathAndQuery, null,
            cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new FederationRequestException(destination, $"answered {status}", status);
        }
        return response;
    }
}
