using System.Text.Json.Nodes;

namespace Homeserver.Federation.Transport;

/// <summary>
/// Requests to other homeservers: the destination's name is resolved (address map, .well-known, SRV,
/// port 8448), the request is signed with X-Matrix as this server, and every answer is untrusted input.
/// </summary>
public interface IFederationClient
{
    /// <summary>
    /// Sends a JSON request and returns the parsed JSON body of a 2xx answer (strictly parsed, size
    /// limited). Anything else throws <see cref="FederationRequestException"/>.
    /// </summary>
    /// <param name="pathAndQuery">From <c>/_matrix/...</c>, with the query string already escaped.</param>
    Task<JsonNode?> SendJsonAsync(string destination, HttpMethod method, string pathAndQuery, JsonNode? body,
        CancellationToken cancellationToken);

    /// <summary>
    /// Sends a signed request without a body and returns the response for the caller to stream (remote
    /// media); a non-2xx answer throws <see cref="FederationRequestException"/>. The caller disposes it.
    /// </summary>
    Task<HttpResponseMessage> SendRawAsync(string destination, HttpMethod method, string pathAndQuery, CancellationToken cancellationToken);
}

/// <summary>Shorthands over <see cref="IFederationClient"/>.</summary>
public static class FederationClientExtensions
{
    public static Task<JsonNode?> GetJsonAsync(this IFederationClient client, string destination, string pathAndQuery,
        CancellationToken cancellationToken) =>
        client.SendJsonAsync(destination, HttpMethod.Get, pathAndQuery, null, cancellationToken);

    public static Task<JsonNode?> PutJsonAsync(this IFederationClient client, string destination, string pathAndQuery, JsonNode body,
        CancellationToken cancellationToken) =>
        client.SendJsonAsync(destination, HttpMethod.Put, pathAndQuery, body, cancellationToken);

    public static Task<JsonNode?> PostJsonAsync(this IFederationClient client, string destination, string pathAndQuery, JsonNode body,
        CancellationToken cancellationToken) =>
        client.SendJsonAsync(destination, HttpMethod.Post, pathAndQuery, body, cancellationToken);
}
