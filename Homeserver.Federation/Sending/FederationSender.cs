using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Transport;
using Homeserver.Storage.Events;
using Homeserver.Storage.Federation;
using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.Sending;

/// <summary>
/// The outbound side of federation. Committed events of local users are queued for the room's other
/// servers, EDUs as they are handed over; both go into the durable queue of each destination
/// (<see cref="IFederationOutboxStore"/>) from one background loop, so neither the committing thread
/// nor a caller of <see cref="QueueEdu(string, string, JsonObject)"/> waits. Each destination then
/// has its own <see cref="DestinationQueue"/>. Started and stopped by <see cref="FederationSenderHostedService"/>.
/// </summary>
public sealed class FederationSender : IFederationSender, IAsyncDisposable
{
    private const string MemberEventType = "m.room.member";

    private readonly IFederationOutboxStore _outbox;
    private readonly IRoomEventStore _events;
    private readonly RoomServers _roomServers;
    private readonly IRoomEventNotifier _notifier;
    private readonly ServerIdentity _identity;
    private readonly IFederationPolicy _policy;
    private readonly IFederationClient? _client;
    private readonly FederationSenderOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<FederationSender> _logger;

    private readonly Channel<Func<CancellationToken, Task>> _work = Channel.CreateUnbounded<Func<CancellationToken, Task>>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, DestinationQueue> _destinations = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _transactionPrefix;
    private long _transactionCounter;
    private Task _workLoop = Task.CompletedTask;
    private int _started;
    private int _stopped;

    /// <param name="client">Null when no federation transport is registered: the sender then does nothing.</param>
    public FederationSender(IFederationOutboxStore outbox, IRoomEventStore events, RoomServers roomServers, IRoomEventNotifier notifier,
        ServerIdentity identity, IFederationPolicy policy, IFederationClient? client, FederationSenderOptions options, TimeProvider time,
        ILogger<FederationSender> logger)
    {
        _outbox = outbox;
        _events = events;
        _roomServers = roomServers;
        _notifier = notifier;
        _identity = identity;
        _policy = policy;
        _client = client;
        _options = options;
        _time = time;
        _logger = logger;
        // Transaction ids must not repeat across restarts: the start time makes them distinct.
        _transactionPrefix = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Follows committed events, and resumes every destination that still has queued items.</summary>
    public Task StartAsync()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1) return Task.CompletedTask;
        if (_client is null)
        {
            SendingLog.NoClient(_logger);
            return Task.CompletedTask;
        }
        _notifier.Committed += OnCommitted;
        _work.Writer.TryWrite(ResumePendingAsync);
        _workLoop = Task.Run(ProcessWorkAsync);
        return Task.CompletedTask;
    }

    /// <summary>Stops following events and sending; what is queued stays queued for the next start.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        _notifier.Committed -= OnCommitted;
        _work.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await EndedAsync(_workLoop).ConfigureAwait(false);
        await EndedAsync(Task.WhenAll(_destinations.Values.Select(d => d.Running))).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits for a loop to end. At shutdown the host may already have disposed what a loop was using (the
    /// database): a loop that ends on that, or on the cancellation, has ended as asked; what it had queued is
    /// durable and sent after the next start.
    /// </summary>
    private static async Task EndedAsync(Task loop)
    {
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    /// <remarks>The stopping token source is not disposed: a late StopAsync of the host may still cancel it.</remarks>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    public void QueueEdu(string destination, string eduType, JsonObject content) => QueueEdu([destination], eduType, content);

    public void QueueEdu(IEnumerable<string> destinations, string eduType, JsonObject content)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        ArgumentException.ThrowIfNullOrEmpty(eduType);
        ArgumentNullException.ThrowIfNull(content);
        if (_client is null) return;
        var targets = destinations.Where(d => d != _identity.ServerName).Distinct(StringComparer.Ordinal).ToList();
        if (targets.Count == 0) return;
        var parts = EduCoalescing.Split(eduType, content.DeepClone().AsObject());
        _work.Writer.TryWrite(ct => AddEduAsync(targets, eduType, parts, ct));
    }

    /// <summary>
    /// <paramref name="destination"/> is reachable again (it sent us a transaction): a queue waiting out
    /// its backoff retries now.
    /// </summary>
    public void ResetBackoff(string destination)
    {
        if (_destinations.TryGetValue(destination, out var queue)) queue.ResetBackoff();
    }

    /// <summary>Raised on the committing thread: only hands the work to the loop.</summary>
    private void OnCommitted(RoomEventsCommitted committed) => _work.Writer.TryWrite(ct => AddPdusAsync(committed, ct));

    private async Task ProcessWorkAsync()
    {
        var stopping = _stopping.Token;
        try
        {
            await foreach (var work in _work.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    await work(stopping).ConfigureAwait(false);
                }
                catch (Exception e) when (!stopping.IsCancellationRequested)
                {
                    SendingLog.QueueingFailed(_logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task ResumePendingAsync(CancellationToken cancellationToken)
    {
        foreach (var destination in await _outbox.GetDestinationsWithPendingAsync(cancellationToken).ConfigureAwait(false))
            QueueOf(destination).Wake();
    }

    /// <summary>Queues the committed events that local users sent for the room's other servers, in stream order.</summary>
    private async Task AddPdusAsync(RoomEventsCommitted committed, CancellationToken cancellationToken)
    {
        // Events received from other servers are not sent on: a batch of them alone needs no reading.
        if (committed.Senders is { } senders && !senders.Any(s => RoomServers.ServerOf(s) == _identity.ServerName)) return;
        var records = await _events.GetEventsAsync(committed.EventIds, cancellationToken).ConfigureAwait(false);
        var local = records
            .Where(r => !r.IsOutlier && !r.IsRejected && !r.IsSoftFailed && RoomServers.ServerOf(r.Sender) == _identity.ServerName)
            .OrderBy(r => r.StreamOrdering)
            .ToList();
        if (local.Count == 0) return;

        var destinations = new SortedSet<string>(await _roomServers.GetRemoteServersAsync(committed.RoomId, cancellationToken).ConfigureAwait(false),
            StringComparer.Ordinal);
        // A member event also goes to its target's server, so a server whose last user was kicked or left still hears it.
        foreach (var record in local)
            if (record.Type == MemberEventType && record.StateKey is { } target && RoomServers.ServerOf(target) is { } server)
                destinations.Add(server);
        destinations.Remove(_identity.ServerName);
        destinations.RemoveWhere(d => !_policy.IsAllowed(d));
        if (destinations.Count == 0) return;

        await _outbox.AddPdusAsync(destinations, local.Select(r => r.EventId).ToList(), cancellationToken).ConfigureAwait(false);
        foreach (var destination in destinations) QueueOf(destination).Wake();
    }

    private async Task AddEduAsync(IReadOnlyList<string> destinations, string eduType, IReadOnlyList<(string? Key, JsonObject Content)> parts,
        CancellationToken cancellationToken)
    {
        foreach (var destination in destinations)
        {
            if (!_policy.IsAllowed(destination)) continue;
            foreach (var (key, content) in parts)
                await _outbox.AddEduAsync(destination, eduType, key,
                    waiting => EduCoalescing.Merge(eduType, waiting is null ? null : JsonNode.Parse(waiting) as JsonObject, content).ToJsonString(),
                    cancellationToken).ConfigureAwait(false);
            QueueOf(destination).Wake();
        }
    }

    private DestinationQueue QueueOf(string destination) =>
        _destinations.GetOrAdd(destination, d => new DestinationQueue(d, new DestinationQueue.Context(_outbox, _events, _client!, _policy,
            _identity, _options, _time, NextTransactionId, _logger, _stopping.Token)));

    private string NextTransactionId() => _transactionPrefix + "." + Interlocked.Increment(ref _transactionCounter);
}
