using System.Threading.Channels;
using Homeserver.Federation.Rooms;

namespace Homeserver.Notifications;

/// <summary>
/// Hands every committed batch of room events to <see cref="RoomEventPushProcessor"/> on one background
/// reader, so the committing thread only enqueues. The queue is bounded; a batch that finds it full is
/// dropped and logged (its notifications are lost, the room itself is unaffected).
/// <see cref="PushEvaluationProgress"/> tracks what is still queued.
/// </summary>
public sealed partial class PushEvaluationQueue : BackgroundService
{
    /// <summary>Batches waiting at most; far above what a healthy server queues.</summary>
    public const int Capacity = 10_000;

    /// <summary>Most batches evaluated with one read of their users' rules (a rule change shows from the next group on).</summary>
    public const int MaxBatchesSharingRules = 100;

    private readonly IRoomEventNotifier _notifier;
    private readonly RoomEventPushProcessor _processor;
    private readonly PushEvaluationProgress _progress;
    private readonly ILogger<PushEvaluationQueue> _logger;
    private readonly Channel<RoomEventsCommitted> _channel = Channel.CreateBounded<RoomEventsCommitted>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public PushEvaluationQueue(IRoomEventNotifier notifier, RoomEventPushProcessor processor, PushEvaluationProgress progress,
        ILogger<PushEvaluationQueue> logger)
    {
        _notifier = notifier;
        _processor = processor;
        _progress = progress;
        _logger = logger;
        _notifier.Committed += OnCommitted;
    }

    public override void Dispose()
    {
        _notifier.Committed -= OnCommitted;
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // What is queued when the reader wakes is evaluated together, so each user's rules are read once for all of it.
            while (await _channel.Reader.WaitToReadAsync(stoppingToken))
            {
                var rules = new Dictionary<string, IReadOnlyList<Push.PushRule>>(StringComparer.Ordinal);
                for (var taken = 0; taken < MaxBatchesSharingRules && _channel.Reader.TryRead(out var committed); taken++)
                    await ProcessAsync(committed, rules, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is still queued gets no notifications.
        }
    }

    private async Task ProcessAsync(RoomEventsCommitted committed, Dictionary<string, IReadOnlyList<Push.PushRule>> rules,
        CancellationToken stoppingToken)
    {
        try
        {
            await _processor.ProcessAsync(committed, stoppingToken, rules);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogFailed(e, committed.RoomId, committed.MaxStreamOrdering);
        }
        finally
        {
            _progress.Done(committed.RoomId, committed.MaxStreamOrdering);
        }
    }

    private void OnCommitted(RoomEventsCommitted committed)
    {
        _progress.Queued(committed.RoomId, committed.MaxStreamOrdering);
        if (_channel.Writer.TryWrite(committed)) return;
        LogDropped(committed.RoomId, committed.MaxStreamOrdering);
        _progress.Done(committed.RoomId, committed.MaxStreamOrdering);
    }

    [LoggerMessage(EventId = 5100, Level = LogLevel.Error, Message = "Push evaluation of events in {RoomId} up to {Position} failed")]
    private partial void LogFailed(Exception exception, string roomId, long position);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Error, Message = "Push evaluation queue is full: events in {RoomId} up to {Position} get no notifications")]
    private partial void LogDropped(string roomId, long position);
}
