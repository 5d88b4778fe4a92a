using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Transport;

namespace Homeserver.FederationQueries;

/// <summary>
/// Asks other servers on behalf of local clients (aliases, profiles, room directories) and turns their
/// failures into Matrix errors for the client: the remote's 404 becomes 404 <c>M_NOT_FOUND</c>, its 403
/// becomes 403 <c>M_FORBIDDEN</c>, and no answer, another error or an answer that is not a JSON object
/// becomes 502 <c>M_UNKNOWN</c>; a server the federation policy excludes is not asked (403 <c>M_FORBIDDEN</c>). The <see cref="IFederationClient"/> is looked up on use, so the services
/// built on this one can be resolved where federation is not configured (they then answer 502).
/// </summary>
public sealed class RemoteQueryClient(IServiceProvider services)
{
    public Task<JsonObject> GetAsync(string destination, string pathAndQuery, string notFoundMessage, CancellationToken cancellationToken) =>
        SendAsync(destination, HttpMethod.Get, pathAndQuery, null, notFoundMessage, cancellationToken);

    public Task<JsonObject> PostAsync(string destination, string pathAndQuery, JsonObject body, string notFoundMessage,
        CancellationToken cancellationToken) =>
        SendAsync(destination, HttpMethod.Post, pathAndQuery, body, notFoundMessage, cancellationToken);

    private async Task<JsonObject> SendAsync(string destination, HttpMethod method, string pathAndQuery, JsonObject? body, string notFoundMessage,
        CancellationToken cancellationToken)
    {
        RequireAllowed(services, destination);
        var client = services.GetService<IFederationClient>()
            ?? throw BadGateway($"This server cannot reach {destination}: federation is not configured.");
        JsonNode? answer;
        try
        {
            answer = await client.SendJsonAsync(destination, method, pathAndQuery, body, cancellationToken);
        }
        catch (FederationRequestException e)
        {
            throw e.StatusCode switch
            {
                404 => MatrixException.NotFound(notFoundMessage),
                403 => MatrixException.Forbidden($"{destination} refused to answer: {e.ErrorCode ?? "403"}."),
                null => BadGateway($"{destination} could not be reached."),
                _ => BadGateway($"{destination} answered with an error ({e.StatusCode}{(e.ErrorCode is null ? "" : " " + e.ErrorCode)})."),
            };
        }
        return answer as JsonObject ?? throw BadGateway($"{destination} answered with something that is not a JSON object.");
    }

    /// <summary>403 <c>M_FORBIDDEN</c> when this server's federation policy does not let it talk to <paramref name="destination"/>.</summary>
    public static void RequireAllowed(IServiceProvider services, string destination)
    {
        if (services.GetService<IFederationPolicy>() is { } policy && !policy.IsAllowed(destination))
            throw MatrixException.Forbidden($"This server does not federate with {destination}.");
    }

    /// <summary>502 <c>M_UNKNOWN</c>: the other server did not give a usable answer.</summary>
    public static MatrixException BadGateway(string message) => MatrixException.Unknown(502, message);
}
