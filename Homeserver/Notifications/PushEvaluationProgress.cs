namespace Homeserver.Notifications;

/// <summary>
/// Which committed positions of each room still wait for push evaluation, so a sync can wait until the
/// notifications of the events it returns are stored (the spec wants counts and events in one response).
/// Kept per room: a sync waits only for the rooms it returns, never for evaluation lagging in other rooms.
/// </summary>
public sealed class PushEvaluationProgress
{
    private readonly Lock _lock = new();

    /// <summary>Per room, the positions of the batches queued or in progress, with how many batches share each.</summary>
    private readonly Dictionary<string, SortedDictionary<long, int>> _pending = new(StringComparer.Ordinal);

    private TaskCompletionSource _progress = NewSignal();

    /// <summary>
    /// Per room, the highest position a wait gave up on: later waits up to it return at once, so one stuck batch
    /// costs a sync one timeout.
    /// </summary>
    private readonly Dictionary<string, long> _gaveUpAt = new(StringComparer.Ordinal);

    /// <summary>Per room, how many syncs are waiting for its evaluation now.</summary>
    private readonly Dictionary<string, int> _waitedOn = new(StringComparer.Ordinal);

    /// <summary>The rooms a sync is waiting for now (the evaluation takes them first).</summary>
    public IReadOnlyList<string> RoomsWaitedOn()
    {
        lock (_lock)
            return _waitedOn.Count == 0 ? [] : [.. _waitedOn.Keys];
    }

    public void Queued(string roomId, long position)
    {
        lock (_lock)
        {
            if (!_pending.TryGetValue(roomId, out var positions))
                _pending[roomId] = positions = [];
            positions[position] = positions.GetValueOrDefault(position) + 1;
        }
    }

    public void Done(string roomId, long position)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (_pending.TryGetValue(roomId, out var positions) && positions.TryGetValue(position, out var count))
            {
                if (count <= 1) positions.Remove(position);
                else positions[position] = count - 1;
                if (positions.Count == 0)
                {
                    _pending.Remove(roomId);
                    _gaveUpAt.Remove(roomId);
                }
            }
            signal = _progress;
            _progress = NewSignal();
        }
        signal.TrySetResult();
    }

    /// <summary>
    /// Waits until every batch of the room at or below <paramref name="position"/> that was queued has been
    /// evaluated, or the timeout passes (a stuck evaluation delays a sync, it never blocks it).
    /// </summary>
    public Task WaitUntilEvaluatedAsync(string roomId, long position, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitAsync(roomId, position, timeout, cancellationToken);

    /// <summary>As <see cref="WaitUntilEvaluatedAsync"/>, for every room (<c>/notifications</c> lists them all).</summary>
    public Task WaitUntilAllEvaluatedAsync(long position, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitAsync(null, position, timeout, cancellationToken);

    private async Task WaitAsync(string? roomId, long position, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (roomId is null)
        {
            await WaitForAsync(null, position, timeout, cancellationToken);
            return;
        }
        lock (_lock)
        {
            if (!IsPending(roomId, position))
                return;
            _waitedOn[roomId] = _waitedOn.GetValueOrDefault(roomId) + 1;
        }
        try
        {
            await WaitForAsync(roomId, position, timeout, cancellationToken);
        }
        finally
        {
            lock (_lock)
            {
                if (_waitedOn[roomId] <= 1) _waitedOn.Remove(roomId);
                else _waitedOn[roomId]--;
            }
        }
    }

    private async Task WaitForAsync(string? roomId, long position, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        while (true)
        {
            Task progress;
            lock (_lock)
            {
                if (!IsPending(roomId, position))
                    return;
                progress = _progress.Task;
            }
            try
            {
                await progress.WaitAsync(timer.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lock (_lock)
                    foreach (var room in roomId is null ? _pending.Keys.ToList() : [roomId])
                        _gaveUpAt[room] = Math.Max(_gaveUpAt.GetValueOrDefault(room), position);
                return;
            }
        }
    }

    /// <summary>Whether a batch of the room (any room when null) at or below the position is still waiting; call with the lock held.</summary>
    private bool IsPending(string? roomId, long position)
    {
        if (roomId is not null)
            return _pending.TryGetValue(roomId, out var positions) && IsPending(roomId, positions, position);
        foreach (var (room, positions) in _pending)
            if (IsPending(room, positions, position))
                return true;
        return false;
    }

    private bool IsPending(string roomId, SortedDictionary<long, int> positions, long position) =>
        positions.First().Key <= position && position > _gaveUpAt.GetValueOrDefault(roomId);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
