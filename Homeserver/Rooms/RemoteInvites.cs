using Homeserver.Federation.Http;
using Homeserver.Federation.Membership;
using Homeserver.Federation.Rooms;
using Homeserver.Storage.Events;

namespace Homeserver.Rooms;

/// <summary>
/// A local user invites a user of another server: the invite is built (and checked by the auth
/// rules) without being stored, co-signed by the invitee's server, and only then stored and sent.
/// </summary>
public sealed class RemoteInvites(RoomEventPipeline pipeline, RemoteMembership remote, IRoomEventStore store)
{
    public async Task<string> InviteAsync(LocalEventDraft draft, CancellationToken cancellationToken)
    {
        var build = await pipeline.BuildAsync(draft, cancellationToken);
        if (build.Event is not { } built) throw ToClientError(build.Failure!);
        var roomState = await RoomStrippedState.FromCurrentStateAsync(store, draft.RoomId, draft.Sender, cancellationToken);
        var cosigned = await remote.InviteAsync(built, roomState, cancellationToken);
        var result = await pipeline.SendBuiltAsync(cosigned, cancellationToken);
        return result.Outcome is RoomEventOutcome.Accepted or RoomEventOutcome.AlreadyKnown ? result.EventId! : throw ToClientError(result);
    }

    private static MatrixException ToClientError(RoomEventResult result) => result.Outcome switch
    {
        RoomEventOutcome.Rejected or RoomEventOutcome.SoftFailed =>
            MatrixException.Forbidden(result.Reason ?? "The event is not allowed by the room's auth rules."),
        RoomEventOutcome.MissingEvents => MatrixException.NotFound("Unknown room."),
        _ => MatrixException.BadJson("Invalid event: " + (result.Reason ?? "rejected by the server.")),
    };
}
