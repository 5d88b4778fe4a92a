using Homeserver.Federation.Events;
using Homeserver.Storage.Events;

namespace Homeserver.Federation.Rooms;

/// <summary>
/// One event waiting in a room's queue: a local draft (built by the room's writer, on top of the
/// room as it is then) or an already-built event (received, or a local create event). Completed
/// once its batch committed, or at once when nothing is stored for it.
/// </summary>
internal sealed class RoomWork
{
    private readonly TaskCompletionSource<RoomEventResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RoomWork(string roomId, LocalEventDraft? draft, ClientTransactionKey? transaction, Pdu? pdu, bool isLocal,
        RemoteState? remoteState = null, bool buildOnly = false)
    {
        RoomId = roomId;
        Draft = draft;
        Transaction = transaction;
        Pdu = pdu;
        IsLocal = isLocal;
        RemoteState = remoteState;
        BuildOnly = buildOnly;
    }

    public string RoomId { get; }
    public LocalEventDraft? Draft { get; }
    public ClientTransactionKey? Transaction { get; }
    /// <summary>The built event (null for a draft).</summary>
    public Pdu? Pdu { get; }
    /// <summary>Sent by a local user: a rejection is answered, not stored.</summary>
    public bool IsLocal { get; }
    /// <summary>For a received event after a gap (or a join): the state before it as another server reported it.</summary>
    public RemoteState? RemoteState { get; }
    /// <summary>A draft to build and check against the current state, not to store (see <see cref="Built"/>).</summary>
    public bool BuildOnly { get; }
    /// <summary>The event a build-only draft produced (set before completion).</summary>
    public Pdu? Built { get; set; }
    public Task<RoomEventResult> Result => _completion.Task;

    public static RoomWork ForDraft(LocalEventDraft draft, ClientTransactionKey? transaction) => new(draft.RoomId, draft, transaction, null, true);
    public static RoomWork ForEvent(Pdu pdu, bool isLocal) => new(pdu.RoomId, null, null, pdu, isLocal);
    public static RoomWork ForEventWithState(Pdu pdu, RemoteState state) => new(pdu.RoomId, null, null, pdu, false, state);
    public static RoomWork ForBuild(LocalEventDraft draft) => new(draft.RoomId, draft, null, null, true, buildOnly: true);

    public void Complete(RoomEventResult result) => _completion.TrySetResult(result);
    public void Fail(Exception exception) => _completion.TrySetException(exception);
}
