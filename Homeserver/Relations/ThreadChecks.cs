using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Storage.Events;

namespace Homeserver.Relations;

/// <summary>
/// The spec's validation of <c>m.thread</c> relationships from clients: a thread cannot start from an
/// event that itself relates to another event (400 <c>M_UNKNOWN</c>, as the spec suggests).
/// </summary>
public sealed class ThreadChecks(IRoomRelationStore relations)
{
    public async Task CheckAsync(JsonObject content, CancellationToken cancellationToken)
    {
        if (content["m.relates_to"] is not JsonObject relatesTo
            || relatesTo["rel_type"] is not JsonValue relType || !relType.TryGetValue(out string? type) || type != "m.thread"
            || relatesTo["event_id"] is not JsonValue target || !target.TryGetValue(out string? rootId))
            return;
        if (await relations.GetRelationAsync(rootId, cancellationToken) is not null)
            throw MatrixException.Unknown(400, "Cannot start a thread from an event that relates to another event.");
    }
}
