namespace Homeserver.Media;

/// <summary>
/// Wakes downloads that wait for an asynchronous upload: every completed upload completes the current task,
/// and waiters look in the database again. One shared task means nothing is kept per waiting media id.
/// </summary>
public sealed class UploadWakeups
{
    private TaskCompletionSource _next = NewSource();

    /// <summary>A task completed by the next upload; take it before checking the database so none is missed.</summary>
    public Task NextUpload => Volatile.Read(ref _next).Task;

    public void UploadCompleted() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
