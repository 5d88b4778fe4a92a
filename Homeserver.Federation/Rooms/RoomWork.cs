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

    private RoomWork(string roomId, LocalEventDraft? draft, ClientTransactionKey? transaction, Pdu? pdu, bool isLocal)
    {
        RoomId = roomId;
        Draft = draft;
        Transaction = transaction;
        Pdu = pdu;
        IsLocal = isLocal;
    }

    public string RoomId { get; }
    public LocalEventDraft? Draft { get; }
    public ClientTransactionKey? Transaction { get; }
    /// <summary>The built event (null for a draft).</summary>
    public Pdu? Pdu { get; }
    /// <summary>Sent by a local user: a rejection is answered, not stored.</summary>
    public bool IsLocal { get; }
    public Task<RoomEventResult> Result => _completion.Task;

    public static RoomWork ForDraft(LocalEventDraft draft, ClientTransactionKey? transaction) => new(draft.RoomId, draft, transaction, null, true);
    public static RoomWork ForEvent(Pdu pdu, bool isLocal) => new(pdu.RoomId, null, null, pdu, isLocal);

    public void Complete(RoomEventResult result) => _completion.TrySetResult(result);
    public void Fail(Exception exception) => _completion.TrySetException(exception);
}
