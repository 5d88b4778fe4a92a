using System.Text.Json.Nodes;

namespace Homeserver.Federation.History;

/// <summary>
/// A server that backfilled events came from, asked for what checking them needs. Everything it
/// returns is untrusted: the pipeline checks each event before using it. Failures throw
/// <see cref="Transport.FederationRequestException"/>.
/// </summary>
public interface IBackfillSource
{
    /// <summary>The auth chain of an event (<c>/event_auth</c>).</summary>
    Task<IReadOnlyList<JsonObject>> GetEventAuthAsync(string roomId, string eventId, CancellationToken cancellationToken);

    /// <summary>The ids of the state before an event and of its auth chain (<c>/state_ids</c>).</summary>
    Task<(IReadOnlyList<string> StateIds, IReadOnlyList<string> AuthChainIds)> GetStateIdsAsync(string roomId, string eventId,
        CancellationToken cancellationToken);

    /// <summary>One event (<c>/event</c>), or null when the server does not return it.</summary>
    Task<JsonObject?> GetEventAsync(string eventId, CancellationToken cancellationToken);
}
