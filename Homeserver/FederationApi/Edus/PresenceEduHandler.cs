using System.Text.Json.Nodes;
using Homeserver.Federation.Transport;
using Homeserver.Sync;

namespace Homeserver.FederationApi.Edus;

/// <summary>
/// Inbound <c>m.presence</c>: <c>{push: [{user_id, presence, status_msg, ...}]}</c>. Updates of the origin's users who are
/// joined to a room this server knows are applied to the presence tracker; local users sharing a room see them in sync.
/// </summary>
public sealed class PresenceEduHandler(PresenceTracker presence, SharedRooms sharedRooms, ILogger<PresenceEduHandler> logger) : IEduHandler
{
    public const string Type = "m.presence";

    /// <summary>Longest status message accepted (as for local users).</summary>
    private const int MaxStatusMsgLength = 1024;

    public string EduType => Type;

    public async Task HandleAsync(string origin, JsonObject content, CancellationToken cancellationToken)
    {
        if (content["push"] is not JsonArray updates)
        {
            EduLog.Ignored(logger, Type, origin, "no push array");
            return;
        }
        foreach (var update in updates)
        {
            var userId = EduJson.UserOf(EduJson.Member(update, "user_id"), origin);
            var state = EduJson.String(EduJson.Member(update, "presence"));
            string? statusMsg = null;
            if (userId is null || !PresenceTracker.IsPresence(state)
                || (EduJson.Member(update, "status_msg") is { } statusNode && (statusMsg = EduJson.String(statusNode, MaxStatusMsgLength, allowEmpty: true)) is null))
            {
                EduLog.Ignored(logger, Type, origin, "malformed update, or the user is not of the origin");
                continue;
            }
            // Presence is only kept for users someone here can see: those in a room this server takes part in.
            if ((await sharedRooms.JoinedRoomsAsync(userId, cancellationToken)).Count == 0)
            {
                EduLog.Ignored(logger, Type, origin, $"{userId} shares no room with this server");
                continue;
            }
            presence.Set(userId, state!, statusMsg);
        }
    }
}
