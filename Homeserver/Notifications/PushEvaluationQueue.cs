using System.Threading.Channels;
using Homeserver.Federation.Rooms;

namespace Homeserver.Notifications;

/// <summary>
/// Hands every committed batch of room events to <see cref="RoomEventPushProcessor"/> on one background
/// reader, so the committing thread only enqueues; the reader takes rooms in turn (<see cref="RoomRoundRobin"/>).
/// The queue is bounded; a batch that finds it full is dropped and logged (its notifications are lost, the room
/// itself is unaffected).
/// <see cref="PushEvaluationProgress"/> tracks what is still queued.
/// </summary>
public sealed partial class PushEvaluationQueue : BackgroundService
{
    /// <summary>Batches waiting at most, in the channel and again in the rooms' turns; far above what a healthy server queues.</summary>
    public const int Capacity = 10_000;

    /// <summary>Most batches evaluated together (their events read with one query, their notifications written in one transaction).</summary>
    public const int MaxBatchesTogether = 100;

    /// <summary>
    /// Events evaluated together at most (a single larger batch goes alone): a step is what a batch of another room
    /// may have to wait for, and each event can make a notification for every member.
    /// </summary>
    public const int MaxEventsTogether = 32;

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
            // What is queued is taken in steps: rooms a sync waits for first, then round-robin over the rooms, so busy
            // rooms do not hold back the others; within a step, several batches are evaluated together.
            var waiting = new RoomRoundRobin();
            while (true)
            {
                while (waiting.Count < Capacity && _channel.Reader.TryRead(out var committed))
                    waiting.Add(committed);
                if (waiting.Count == 0)
                {
                    if (!await _channel.Reader.WaitToReadAsync(stoppingToken)) return;
                    continue;
                }
                await ProcessAsync(waiting.TakeStep(MaxEventsTogether, MaxBatchesTogether, _progress.RoomsWaitedOn()), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is still queued gets no notifications.
        }
    }

    private async Task ProcessAsync(List<RoomEventsCommitted> group, CancellationToken stoppingToken)
    {
        try
        {
            await _processor.ProcessAsync(group, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            foreach (var committed in group)
                LogFailed(e, committed.RoomId, committed.MaxStreamOrdering);
        }
        finally
        {
            foreach (var committed in group)
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
