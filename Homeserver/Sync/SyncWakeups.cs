using Homeserver.Federation.Rooms;

namespace Homeserver.Sync;

/// <summary>
/// Wakes waiting syncs when anything they read may have changed: committed room events (through
/// <see cref="IRoomEventNotifier"/>) and account data writes. One task completes at the next signal
/// and is then replaced, so waiters cost nothing while idle. A sync takes <see cref="NextSignal"/>
/// before it reads, so a change between its read and its wait still wakes it.
/// </summary>
public sealed class SyncWakeups
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _next = NewSignal();

    public SyncWakeups(IRoomEventNotifier roomEvents)
    {
        roomEvents.Committed += _ => Signal();
    }

    public Task NextSignal
    {
        get
        {
            lock (_lock) return _next.Task;
        }
    }

    public void Signal()
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            signal = _next;
            _next = NewSignal();
        }
        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
