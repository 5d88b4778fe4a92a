using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Rooms;

namespace Homeserver.Federation.Membership;

// TEMPORARY until the lead's RoomEventPipeline additions land on main (git merge main), then deleted.
internal static class PendingPipelineMethods
{
    public static Task<RoomEventResult> JoinRemoteRoomAsync(this RoomEventPipeline pipeline, Pdu join, IReadOnlyList<JsonObject> state,
        IReadOnlyList<JsonObject> authChain, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("RoomEventPipeline.JoinRemoteRoomAsync is not on this branch yet");
}

// TEMPORARY (see above).
public static class PendingPipelineBuildMethods
{
    public static Task<(Pdu? Pdu, RoomEventResult? Failure)> BuildAsync(this RoomEventPipeline pipeline, LocalEventDraft draft,
        CancellationToken cancellationToken) =>
        throw new InvalidOperationException("RoomEventPipeline.BuildAsync is not on this branch yet");

    public static Task<RoomEventResult> SendBuiltAsync(this RoomEventPipeline pipeline, Pdu pdu, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("RoomEventPipeline.SendBuiltAsync is not on this branch yet");
}
