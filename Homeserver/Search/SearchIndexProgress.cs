namespace Homeserver.Search;

/// <summary>
/// The events stream position the search index has reached, as this process's indexer last saw it, so a
/// search can wait briefly for events committed just before it to become findable. A waiting search also
/// asks the indexer to stop deferring its next pass (<see cref="NextDemand"/>).
/// </summary>
public sealed class SearchIndexProgress
{
    /// <summary>How long a search waits at most for the indexer to reach the current position.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private long _position = -1;
    private TaskCompletionSource _advanced = NewSignal();
    private TaskCompletionSource _wanted = NewSignal();

    /// <summary>
    /// Starts a new demand period and returns its signal: completed once a search waits for a position the index
    /// has not reached. Taken by the indexer before each pass, so a search during the pass shortens the next wait.
    /// </summary>
    public Task NextDemand()
    {
        lock (_lock)
        {
            _wanted = NewSignal();
            return _wanted.Task;
        }
    }

    public void Reached(long position)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (position <= _position) return;
            _position = position;
            signal = _advanced;
            _advanced = NewSignal();
        }
        signal.TrySetResult();
    }

    /// <summary>Waits until the index reaches <paramref name="position"/> or the timeout passes (a slow indexer delays a search, never fails it).</summary>
    public async Task WaitForAsync(long position, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        while (true)
        {
            Task advanced;
            lock (_lock)
            {
                if (_position >= position) return;
                _wanted.TrySetResult();
                advanced = _advanced.Task;
            }
            try
            {
                await advanced.WaitAsync(timer.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
