namespace Homeserver.Federation.Rooms;

/// <summary>
/// The notifier of a single node: a position and one task that completes at the next signal
/// (replaced by a fresh one each time), so any number of waiters cost one allocation per commit.
/// </summary>
public sealed class InProcessRoomEventNotifier : IRoomEventNotifier
{
    private readonly Lock _lock = new();
    private long _position;
    private TaskCompletionSource _next = NewSignal();

    public long CurrentPosition
    {
        get
        {
            lock (_lock) return _position;
        }
    }

    public event Action<RoomEventsCommitted>? Committed;

    public void NotifyCommitted(RoomEventsCommitted committed)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (committed.MaxStreamOrdering > _position) _position = committed.MaxStreamOrdering;
            signal = _next;
            _next = NewSignal();
        }
        // Observers first, then the waiters: a woken waiter finds every observer already told.
        Committed?.Invoke(committed);
        signal.TrySetResult();
    }

    public async Task<long> WaitForPositionAfterAsync(long afterPosition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        while (true)
        {
            Task signal;
            lock (_lock)
            {
                if (_position > afterPosition) return _position;
                signal = _next.Task;
            }
            try
            {
                await signal.WaitAsync(timer.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return CurrentPosition;
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
