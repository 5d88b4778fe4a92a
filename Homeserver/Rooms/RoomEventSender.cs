using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Federation.Rooms;
using Homeserver.Storage.Events;

namespace Homeserver.Rooms;

/// <summary>
/// Sends a local user's event through the <see cref="RoomEventPipeline"/> and turns its verdict into
/// the Client-Server API's answer: the event id, or 403 <c>M_FORBIDDEN</c> with the auth rule's reason,
/// 404 for an unknown room, 400 for an invalid event.
/// </summary>
public sealed class RoomEventSender(RoomEventPipeline pipeline)
{
    public async Task<string> SendAsync(string roomId, string type, string? stateKey, string sender, JsonObject content,
        ClientTransactionKey? transaction, CancellationToken cancellationToken, string? redacts = null)
    {
        var result = await pipeline.SendAsync(new LocalEventDraft(roomId, type, stateKey, sender, content, redacts), transaction, cancellationToken);
        return result.Outcome switch
        {
            RoomEventOutcome.Accepted or RoomEventOutcome.AlreadyKnown => result.EventId!,
            RoomEventOutcome.Rejected or RoomEventOutcome.SoftFailed =>
                throw MatrixException.Forbidden(result.Reason ?? "The event is not allowed by the room's auth rules."),
            RoomEventOutcome.MissingEvents => throw MatrixException.NotFound("Unknown room."),
            _ => throw MatrixException.BadJson("Invalid event: " + (result.Reason ?? "rejected by the server.")),
        };
    }
}
