using System.Text.Json.Nodes;
using Homeserver.Sync;

namespace Homeserver.FederationApi.Edus;

/// <summary>
/// Sends a local user's presence as an <c>m.presence</c> EDU to every server sharing a room with them,
/// whether it was set with <c>PUT /presence</c> or by a sync's <c>set_presence</c>.
/// </summary>
public sealed class PresencePublisher(PresenceTracker presence, EduOutbox outbox) : IPresencePublisher
{
    public Task PublishAsync(UserPresence current, CancellationToken cancellationToken)
    {
        var update = presence.Content(current);
        update["user_id"] = current.UserId;
        return outbox.ToServersSharingARoomAsync(current.UserId, PresenceEduHandler.Type, new JsonObject { ["push"] = new JsonArray(update) },
            cancellationToken);
    }
}
