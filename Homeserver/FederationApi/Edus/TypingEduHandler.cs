using System.Text.Json.Nodes;
using Homeserver.Federation.Identifiers;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Transport;
using Homeserver.Sync;

namespace Homeserver.FederationApi.Edus;

/// <summary>
/// Inbound <c>m.typing</c>: a user of the origin, joined to a room the origin is in, starts or stops typing;
/// local syncs see it like a local user's typing.
/// </summary>
public sealed class TypingEduHandler(TypingTracker typing, RoomServers roomServers, CurrentStateReader state, RoomServerAcl acl, ILogger<TypingEduHandler> logger)
    : IEduHandler
{
    public const string Type = "m.typing";

    /// <summary>How long a remote user's typing lasts unless renewed or stopped (the EDU carries no timeout; Synapse uses 60 s).</summary>
    public static readonly TimeSpan RemoteTimeout = TimeSpan.FromSeconds(60);

    public string EduType => Type;

    public async Task HandleAsync(string origin, JsonObject content, CancellationToken cancellationToken)
    {
        var roomId = EduJson.String(content["room_id"]);
        var userId = EduJson.UserOf(content["user_id"], origin);
        var isTyping = EduJson.Bool(content["typing"]);
        if (roomId is null || !RoomId.IsValid(roomId) || userId is null || isTyping is null)
        {
            EduLog.Ignored(logger, Type, origin, "malformed, or the user is not of the origin");
            return;
        }
        if (!await acl.IsAllowedAsync(roomId, origin, cancellationToken))
        {
            EduLog.Ignored(logger, Type, origin, $"the server ACL of {roomId} denies the origin");
            return;
        }
        if (!await roomServers.IsInRoomAsync(roomId, origin, cancellationToken) || await state.MembershipAsync(roomId, userId, cancellationToken) != "join")
        {
            EduLog.Ignored(logger, Type, origin, $"{userId} is not joined to {roomId}");
            return;
        }
        typing.SetTyping(roomId, userId, isTyping.Value, RemoteTimeout);
    }
}
