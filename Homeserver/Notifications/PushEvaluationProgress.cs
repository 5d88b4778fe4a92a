namespace Homeserver.Notifications;

/// <summary>
/// Which committed room positions still wait for push evaluation, so a sync can wait until the
/// notifications of the events it returns are stored (the spec wants counts and events in one response).
/// </summary>
public sealed class PushEvaluationProgress
{
    private readonly Lock _lock = new();

    /// <summary>Positions of the batches queued or in progress, with how many batches share each.</summary>
    private readonly SortedDictionary<long, int> _pending = [];

    private TaskCompletionSource _progress = NewSignal();

    /// <summary>The highest position a wait gave up on: later waits up to it return at once, so one stuck batch costs a sync one timeout.</summary>
    private long _gaveUpAt;

    public void Queued(long position)
    {
        lock (_lock)
            _pending[position] = _pending.GetValueOrDefault(position) + 1;
    }

    public void Done(long position)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (_pending.TryGetValue(position, out var count))
            {
                if (count <= 1) _pending.Remove(position);
                else _pending[position] = count - 1;
            }
            signal = _progress;
            _progress = NewSignal();
        }
        signal.TrySetResult();
    }

    /// <summary>
    /// Waits until every batch at or below <paramref name="position"/> that was queued has been evaluated,
    /// or the timeout passes (a stuck evaluation delays a sync, it never blocks it).
    /// </summary>
    public async Task WaitUntilEvaluatedAsync(long position, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        while (true)
        {
            Task progress;
            lock (_lock)
            {
                if (_pending.Count == 0 || _pending.First().Key > position || position <= _gaveUpAt) return;
                progress = _progress.Task;
            }
            try
            {
                await progress.WaitAsync(timer.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lock (_lock) _gaveUpAt = Math.Max(_gaveUpAt, position);
                return;
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
