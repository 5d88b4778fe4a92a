using System.Text.Json.Nodes;
using Homeserver.Federation.Transport;

namespace Homeserver.Federation.History;

/// <summary>An <see cref="IBackfillSource"/> over federation requests to one server; malformed answers count as failures.</summary>
public sealed class FederationBackfillSource(IFederationClient client, string server) : IBackfillSource
{
    public string Server { get; } = server;

    public async Task<IReadOnlyList<JsonObject>> GetEventAuthAsync(string roomId, string eventId, CancellationToken cancellationToken)
    {
        var response = await client.GetJsonAsync(Server, $"/_matrix/federation/v1/event_auth/{Escape(roomId)}/{Escape(eventId)}", cancellationToken)
            .ConfigureAwait(false);
        return Objects(response, "auth_chain");
    }

    public async Task<(IReadOnlyList<string> StateIds, IReadOnlyList<string> AuthChainIds)> GetStateIdsAsync(string roomId, string eventId,
        CancellationToken cancellationToken)
    {
        var response = await client.GetJsonAsync(Server, $"/_matrix/federation/v1/state_ids/{Escape(roomId)}?event_id={Escape(eventId)}",
            cancellationToken).ConfigureAwait(false);
        return (Strings(response, "pdu_ids"), Strings(response, "auth_chain_ids"));
    }

    public async Task<JsonObject?> GetEventAsync(string eventId, CancellationToken cancellationToken)
    {
        var response = await client.GetJsonAsync(Server, $"/_matrix/federation/v1/event/{Escape(eventId)}", cancellationToken).ConfigureAwait(false);
        var pdus = Objects(response, "pdus");
        return pdus.Count == 1 ? pdus[0] : null;
    }

    /// <summary>The PDUs of a <c>/backfill</c> answer, at most <paramref name="limit"/> of them.</summary>
    public async Task<IReadOnlyList<JsonObject>> BackfillAsync(string roomId, IReadOnlyCollection<string> from, int limit,
        CancellationToken cancellationToken)
    {
        var query = string.Join("&", from.Select(id => "v=" + Escape(id)));
        var response = await client.GetJsonAsync(Server, $"/_matrix/federation/v1/backfill/{Escape(roomId)}?{query}&limit={limit}", cancellationToken)
            .ConfigureAwait(false);
        return [.. Objects(response, "pdus").Take(limit)];
    }

    internal static string Escape(string value) => Uri.EscapeDataString(value);

    private List<JsonObject> Objects(JsonNode? response, string name) =>
        response is JsonObject obj && obj[name] is JsonArray array && array.All(item => item is JsonObject)
            ? [.. array.Select(item => item!.AsObject())]
            : throw new FederationRequestException(Server, $"the answer has no '{name}' list of events");

    private List<string> Strings(JsonNode? response, string name) =>
        response is JsonObject obj && obj[name] is JsonArray array
        && array.All(item => item is JsonValue value && value.TryGetValue(out string? _))
            ? [.. array.Select(item => item!.GetValue<string>())]
            : throw new FederationRequestException(Server, $"the answer has no '{name}' list of event ids");
}
