using System.Text.Json.Nodes;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Transport;
using Homeserver.Storage.Events;
using Homeserver.Storage.Federation;
using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.Sending;

/// <summary>
/// Sends one destination's queue: at most one transaction in flight, the oldest queued items first.
/// A failed transaction is retried unchanged (same id) after a backoff that doubles up to the cap;
/// <see cref="ResetBackoff"/> ends a wait early. The loop runs while there is something to send.
/// </summary>
internal sealed class DestinationQueue(string destination, DestinationQueue.Context context)
{
    /// <summary>What every destination's queue shares.</summary>
    internal sealed record Context(IFederationOutboxStore Outbox, IRoomEventStore Events, IFederationClient Client, IFederationPolicy Policy,
        ServerIdentity Identity, FederationSenderOptions Options, TimeProvider Time, Func<string> NextTransactionId, ILogger Logger,
        CancellationToken Stopping);

    private readonly Lock _lock = new();
    private bool _running;
    private bool _wakeRequested;
    private TimeSpan _backoff = TimeSpan.Zero;
    private CancellationTokenSource? _backoffWait;

    /// <summary>A reset arrived while an attempt was under way (no wait to cancel yet): the next backoff is skipped.</summary>
    private bool _resetDuringAttempt;

    public string Destination => destination;

    /// <summary>The running loop (a completed task when idle).</summary>
    public Task Running { get; private set; } = Task.CompletedTask;

    /// <summary>Something was queued: start the loop, or have the running one look again before it stops.</summary>
    public void Wake()
    {
        lock (_lock)
        {
            if (_running)
            {
                _wakeRequested = true;
                return;
            }
            _running = true;
            Running = Task.Run(RunAsync);
        }
    }

    /// <summary>The destination is up (it sent us a transaction): retry now instead of waiting out the backoff.</summary>
    public void ResetBackoff()
    {
        lock (_lock)
        {
            _backoff = TimeSpan.Zero;
            if (_backoffWait is { } wait) wait.Cancel();
            else _resetDuringAttempt = true;
        }
    }

    private async Task RunAsync()
    {
        var stopping = context.Stopping;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                lock (_lock) _wakeRequested = false;
                var batch = await context.Outbox.PeekAsync(destination, FederationSenderOptions.MaxPdusPerTransaction,
                    FederationSenderOptions.MaxEdusPerTransaction, stopping).ConfigureAwait(false);
                if (batch.IsEmpty)
                {
                    lock (_lock)
                    {
                        if (!_wakeRequested)
                        {
                            _running = false;
                            return;
                        }
                    }
                    continue;
                }
                if (!context.Policy.IsAllowed(destination))
                {
                    SendingLog.DestinationDenied(context.Logger, destination);
                    await RemoveAsync(batch, stopping).ConfigureAwait(false);
                    continue;
                }
                await SendUntilDoneAsync(batch, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A database failure: the items stay queued; the next wake (a new item, or a restart) tries again.
            SendingLog.DestinationFailed(context.Logger, e, destination);
        }
        lock (_lock) _running = false;
    }

    /// <summary>Sends the batch as one transaction, retrying with backoff until it is delivered (or refused as invalid).</summary>
    private async Task SendUntilDoneAsync(OutboxBatch batch, CancellationToken stopping)
    {
        var transactionId = context.NextTransactionId();
        var body = await BuildTransactionAsync(batch, stopping).ConfigureAwait(false);
        var path = "/_matrix/federation/v1/send/" + Uri.EscapeDataString(transactionId);
        while (true)
        {
            lock (_lock) _resetDuringAttempt = false;
            try
            {
                var answer = await context.Client.PutJsonAsync(destination, path, body, stopping).ConfigureAwait(false);
                LogRefusedPdus(transactionId, answer);
                SendingLog.TransactionSent(context.Logger, transactionId, destination, batch.Pdus.Count, batch.Edus.Count);
                lock (_lock) _backoff = TimeSpan.Zero;
                await RemoveAsync(batch, stopping).ConfigureAwait(false);
                return;
            }
            catch (FederationRequestException e) when (e.StatusCode is 400 or 413)
            {
                // The same transaction would be refused again: retrying it would stop this queue for good.
                SendingLog.TransactionDropped(context.Logger, destination, transactionId, e.StatusCode, batch.Pdus.Count, batch.Edus.Count);
                await RemoveAsync(batch, stopping).ConfigureAwait(false);
                return;
            }
            catch (FederationRequestException e)
            {
                await TrimQueueAsync(stopping).ConfigureAwait(false);
                await BackOffAsync(transactionId, e.Message, stopping).ConfigureAwait(false);
            }
        }
    }

    /// <summary>While the destination fails, only the newest PDUs stay queued (the in-flight transaction is retried as it is).</summary>
    private async Task TrimQueueAsync(CancellationToken stopping)
    {
        var dropped = await context.Outbox.TrimPdusAsync(destination, context.Options.MaxQueuedPdusPerDestination, stopping).ConfigureAwait(false);
        if (dropped > 0)
            SendingLog.QueueTrimmed(context.Logger, destination, dropped);
    }

    private async Task BackOffAsync(string transactionId, string error, CancellationToken stopping)
    {
        CancellationTokenSource wait;
        TimeSpan delay;
        lock (_lock)
        {
            if (_resetDuringAttempt)
            {
                _resetDuringAttempt = false;
                return; // the destination was heard from during the attempt: try again now
            }
            var options = context.Options;
            _backoff = _backoff == TimeSpan.Zero ? options.InitialBackoff : _backoff * 2;
            if (_backoff > options.MaxBackoff) _backoff = options.MaxBackoff;
            delay = _backoff;
            _backoffWait = wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        }
        SendingLog.TransactionFailed(context.Logger, transactionId, destination, error, delay);
        try
        {
            await Task.Delay(delay, wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            // Reset: the destination is back.
        }
        finally
        {
            lock (_lock) _backoffWait = null;
            wait.Dispose();
        }
        stopping.ThrowIfCancellationRequested();
    }

    private async Task<JsonObject> BuildTransactionAsync(OutboxBatch batch, CancellationToken stopping)
    {
        var pdus = new JsonArray();
        if (batch.Pdus.Count > 0)
        {
            var records = (await context.Events.GetEventsAsync(batch.Pdus.Select(p => p.EventId).ToList(), stopping).ConfigureAwait(false))
                .ToDictionary(r => r.EventId, StringComparer.Ordinal);
            // An event no longer stored (purged) is left out; its queue entry goes with the transaction.
            foreach (var queued in batch.Pdus)
                if (records.TryGetValue(queued.EventId, out var record) && JsonNode.Parse(record.Json) is JsonObject json)
                    pdus.Add(json);
        }
        var edus = new JsonArray();
        foreach (var edu in batch.Edus)
            if (JsonNode.Parse(edu.ContentJson) is JsonObject content)
                edus.Add(new JsonObject { ["edu_type"] = edu.EduType, ["content"] = content });
        return new JsonObject
        {
            ["origin"] = context.Identity.ServerName,
            ["origin_server_ts"] = context.Time.GetUtcNow().ToUnixTimeMilliseconds(),
            ["pdus"] = pdus,
            ["edus"] = edus,
        };
    }

    /// <summary>A 200 answer may still report errors for single PDUs: they were processed, and only logged here.</summary>
    private void LogRefusedPdus(string transactionId, JsonNode? answer)
    {
        if (answer?["pdus"] is not JsonObject results) return;
        foreach (var (eventId, result) in results)
            if (result is JsonObject o && o["error"] is JsonValue error)
                SendingLog.PduRefused(context.Logger, destination, eventId, transactionId, error.ToString());
    }

    private Task RemoveAsync(OutboxBatch batch, CancellationToken stopping) =>
        context.Outbox.RemoveAsync(destination, batch.Pdus.Select(p => p.QueueId).ToList(), batch.Edus.Select(e => e.QueueId).ToList(), stopping);
}
