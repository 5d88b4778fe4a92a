using Homeserver.Federation.Authorization;
using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;
using Homeserver.Storage.Events;
using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.Rooms;

/// <summary>
/// The one way events enter a room, local or received: format, signatures and hashes (received
/// events), authorisation by auth events, by the state before and by the current state, then one
/// atomic write per batch through <see cref="IRoomEventStore.PersistAsync"/> and a signal to the
/// <see cref="IRoomEventNotifier"/>. Calls return after the event's transaction committed (or when
/// nothing is stored for it).
/// </summary>
public sealed partial class RoomEventPipeline
{
    private readonly IRoomEventStore _store;
    private readonly IServerKeys _serverKeys;
    private readonly ServerIdentity _identity;
    private readonly VerifyKey _ownKey;
    private readonly LocalEventBuilder _builder;
    private readonly RoomWriteQueues _queues;

    public RoomEventPipeline(IRoomEventStore store, IServerKeys serverKeys, ServerIdentity identity, IRoomEventNotifier notifier,
        LocalEventBuilder builder, PduCache cache, RoomEventPipelineOptions options, ILogger<RoomEventPipeline> logger)
    {
        _store = store;
        _serverKeys = serverKeys;
        _identity = identity;
        _ownKey = VerifyKey.FromSigningKey(identity.SigningKey);
        _builder = builder;
        var writer = new RoomBatchWriter(store, cache, builder, notifier, options, logger);
        _queues = new RoomWriteQueues(writer.WriteAsync, options.MaxBatchSize);
    }

    /// <summary>Rooms whose queue currently holds work (idle rooms hold no queue).</summary>
    public int ActiveRoomQueues => _queues.ActiveRooms;

    /// <summary>
    /// Creates a room: builds and stores its create event. The room's other initial events
    /// (creator's join, power levels, join rules ...) are then sent with <see cref="SendAsync"/>.
    /// </summary>
    public async Task<CreateRoomResult> CreateRoomAsync(RoomVersion version, string creator, JsonObject? extraCreateContent,
        CancellationToken cancellationToken)
    {
        if (!_builder.IsLocalUser(creator))
            return new CreateRoomResult("", RoomEventResult.Dropped(null, $"{creator} is not a user of {_identity.ServerName}"));
        Pdu create;
        try
        {
            create = _builder.BuildCreate(version, creator, extraCreateContent);
        }
        catch (PduFormatException e)
        {
            return new CreateRoomResult("", RoomEventResult.Dropped(null, e.Message));
        }
        return new CreateRoomResult(create.RoomId, await EnqueueAsync(RoomWork.ForEvent(create, isLocal: true), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Builds, checks and stores an event a local user sends. With a client transaction key, a
    /// repeated request answers with the event the first one produced (the room's writer looks the
    /// keys of a batch up in one read). Cancelling stops the wait, not the write: a queued event may
    /// still be stored (a retry with the same key finds it).
    /// </summary>
    public Task<RoomEventResult> SendAsync(LocalEventDraft draft, ClientTransactionKey? transaction, CancellationToken cancellationToken) =>
        EnqueueAsync(RoomWork.ForDraft(draft, transaction), cancellationToken);

    /// <summary>Processes an event received from another server, as untrusted bytes of the given room version.</summary>
    public Task<RoomEventResult> ReceiveAsync(ReadOnlySpan<byte> utf8, RoomVersion version, CancellationToken cancellationToken)
    {
        Pdu pdu;
        try
        {
            pdu = PduParser.Parse(utf8, version);
        }
        catch (PduFormatException e)
        {
            return Task.FromResult(RoomEventResult.Dropped(null, "invalid event: " + e.Message));
        }
        return ReceiveCheckedFormatAsync(pdu, cancellationToken);
    }

    /// <summary>Processes an event received from another server, already read as JSON (not yet validated).</summary>
    public Task<RoomEventResult> ReceiveAsync(JsonObject json, RoomVersion version, CancellationToken cancellationToken)
    {
        Pdu pdu;
        try
        {
            pdu = PduParser.FromJson(json, version);
        }
        catch (PduFormatException e)
        {
            return Task.FromResult(RoomEventResult.Dropped(null, "invalid event: " + e.Message));
        }
        return ReceiveCheckedFormatAsync(pdu, cancellationToken);
    }

    /// <summary>
    /// Processes events received together (a transaction's PDUs of one room): each is checked like
    /// <see cref="ReceiveAsync(JsonObject, RoomVersion, CancellationToken)"/>, then all are queued in their
    /// order, so the room's writer takes them in one batch and one commit. One task per event, in order.
    /// </summary>
    public async Task<IReadOnlyList<Task<RoomEventResult>>> ReceiveInOrderAsync(IReadOnlyList<JsonObject> events, RoomVersion version,
        CancellationToken cancellationToken) =>
        Submit(await CheckReceivedAsync(events, version, cancellationToken).ConfigureAwait(false), cancellationToken);

    /// <summary>
    /// The checks of received events that depend on nothing but the event (format, event id, signatures,
    /// content hash), spread over the machine's cores, without queueing them: a caller may run them while
    /// it still waits for something else (whether the transaction is a retry, the room's server ACL).
    /// </summary>
    public async Task<CheckedEvents> CheckReceivedAsync(IReadOnlyList<JsonObject> events, RoomVersion version, CancellationToken cancellationToken)
    {
        var checkedEvents = new (Pdu? Event, RoomEventResult? Dropped)[events.Count];
        if (events.Count == 1)
            checkedEvents[0] = await ParseAndCheckIntegrityAsync(events[0], version, cancellationToken).ConfigureAwait(false);
        else
            await Parallel.ForAsync(0, events.Count, new ParallelOptions
            {
                CancellationToken = cancellationToken,
                MaxDegreeOfParallelism = Environment.ProcessorCount,
            }, async (i, ct) => checkedEvents[i] = await ParseAndCheckIntegrityAsync(events[i], version, ct).ConfigureAwait(false))
                .ConfigureAwait(false);
        return new CheckedEvents(checkedEvents);
    }

    /// <summary>
    /// Queues checked events in their order under one lock, so the room's writer takes them in one batch and
    /// one commit. One task per event, in order (those dropped by the checks answered at once).
    /// </summary>
    public IReadOnlyList<Task<RoomEventResult>> Submit(CheckedEvents events, CancellationToken cancellationToken)
    {
        var works = events.Events.Select(c => c.Event is { } intact ? RoomWork.ForEvent(intact, isLocal: false) : null).ToList();
        _queues.EnqueueAll([.. works.OfType<RoomWork>()]);
        return [.. events.Events.Select((c, i) => works[i] is { } work ? work.Result.WaitAsync(cancellationToken) : Task.FromResult(c.Dropped!))];
    }

    private async Task<(Pdu? Event, RoomEventResult? Dropped)> ParseAndCheckIntegrityAsync(JsonObject json, RoomVersion version,
        CancellationToken cancellationToken)
    {
        Pdu pdu;
        try
        {
            pdu = PduParser.FromJson(json, version);
        }
        catch (PduFormatException e)
        {
            return (null, RoomEventResult.Dropped(null, "invalid event: " + e.Message));
        }
        return await CheckIntegrityAsync(pdu, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RoomEventResult> ReceiveCheckedFormatAsync(Pdu pdu, CancellationToken cancellationToken)
    {
        var (intact, dropped) = await CheckIntegrityAsync(pdu, cancellationToken).ConfigureAwait(false);
        return intact is null ? dropped! : await EnqueueAsync(RoomWork.ForEvent(intact, isLocal: false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Steps 2–3: signatures (else dropped) and content hash (else processed redacted).</summary>
    private async Task<(Pdu? Event, RoomEventResult? Dropped)> CheckIntegrityAsync(Pdu pdu, CancellationToken cancellationToken)
    {
        var version = pdu.RoomVersion;
        var keys = new Dictionary<string, IReadOnlyCollection<VerifyKey>>(StringComparer.Ordinal);
        foreach (var server in EventSignatureVerifier.RequiredSigners(pdu.Json, version))
            keys[server] = await KeysOfAsync(server, pdu, cancellationToken).ConfigureAwait(false);

        var (verdict, reason) = PduIntegrity.Check(pdu.Json, version, server => keys.GetValueOrDefault(server) ?? []);
        switch (verdict)
        {
            case PduIntegrityVerdict.Rejected:
                return (null, RoomEventResult.Dropped(pdu.EventId, "signature check failed: " + reason));
            case PduIntegrityVerdict.MustBeRedacted:
                pdu = Pdu.FromJson(Redaction.Redact(pdu.Json, version), version, pdu.EventId);
                break;
            case PduIntegrityVerdict.Intact when pdu.Json.ContainsKey("unsigned"):
                // unsigned is the sender's unsigned say-so; our own is computed when serving the event.
                var json = pdu.Json.DeepClone().AsObject();
                json.Remove("unsigned");
                pdu = Pdu.FromJson(json, version, pdu.EventId);
                break;
        }
        // Auth rule 4.2.1 of restricted rooms: the server of join_authorised_via_users_server must have signed the join too.
        if (JoinAuthorisation.RequiredSigningServer(pdu) is { } authoriser && !keys.ContainsKey(authoriser))
        {
            var check = EventSignatureVerifier.VerifyServer(pdu.Json, version, authoriser,
                await KeysOfAsync(authoriser, pdu, cancellationToken).ConfigureAwait(false));
            if (!check.IsValid)
                return (null, RoomEventResult.Dropped(pdu.EventId, $"not signed by {authoriser}, the server of {JoinAuthorisation.ContentKey}"));
        }
        return (pdu, null);
    }

    private async Task<IReadOnlyCollection<VerifyKey>> KeysOfAsync(string server, Pdu pdu, CancellationToken cancellationToken)
    {
        if (server == _identity.ServerName) return [_ownKey];
        if (pdu.Json["signatures"] is not JsonObject signatures || signatures[server] is not JsonObject byKeyId) return [];
        var found = await _serverKeys.GetVerifyKeysAsync(server, byKeyId.Select(p => p.Key).ToList(), pdu.OriginServerTs, cancellationToken)
            .ConfigureAwait(false);
        return found.Values.ToList();
    }

    private Task<RoomEventResult> EnqueueAsync(RoomWork work, CancellationToken cancellationToken)
    {
        _queues.Enqueue(work);
        return work.Result.WaitAsync(cancellationToken);
    }
}
