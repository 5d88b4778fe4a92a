using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Homeserver.Federation.Events;
using Homeserver.Federation.Identifiers;
using EventId = Homeserver.Federation.Identifiers.EventId;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Sending;
using Homeserver.Storage.Events;
using Homeserver.Storage.Federation;
using Microsoft.Extensions.Logging;

using Homeserver.Federation.Rooms;

namespace Homeserver.Federation.Receiving;

/// <summary>
/// Processes inbound transactions (<c>PUT /send/{txnId}</c>): each PDU through the room pipeline, the
/// rooms concurrently but each room's PDUs in transaction order, then the EDUs through their handlers.
/// One bad PDU only gets an error in the answer. The answer is stored per (origin, transaction id), so a
/// retried transaction is answered the same way without being processed again.
/// </summary>
/// <remarks>
/// The lookups a transaction needs before its PDUs may be queued (a stored answer to a retry, each room's
/// server ACL) run while the PDUs' own checks (signatures, hashes) do, and the answer is stored after it
/// is given: a retry comes only from a sender that did not get the answer, and one that arrives while
/// the answer is being stored gets it from the attempt in flight.
/// </remarks>
public sealed class TransactionReceiver(IInboundTransactionStore transactions, IRoomEventStore events, InboundPduProcessor processor,
    EduDispatcher edus, FederationSender sender, RoomServerAcl acl, TimeProvider time, ILogger<TransactionReceiver> logger)
{
    /// <summary>Requests one transaction may make to fill gaps before its PDUs.</summary>
    public const int FetchRequestsPerTransaction = 100;

    /// <summary>How long answers are kept: a sender retries a transaction within minutes, not days.</summary>
    public static readonly TimeSpan AnswerRetention = TimeSpan.FromDays(1);

    /// <summary>Attempts being processed, or whose answer is still being stored.</summary>
    private readonly ConcurrentDictionary<(string Origin, string TransactionId), Lazy<Task<JsonObject>>> _inFlight = new();

    /// <exception cref="Http.MatrixException">For a body that is not a valid transaction.</exception>
    public async Task<JsonObject> ReceiveAsync(string origin, string transactionId, JsonObject body, CancellationToken cancellationToken)
    {
        var transaction = InboundTransaction.Parse(origin, transactionId, body);
        // The origin is up: what we have queued for it need not wait out a backoff.
        sender.ResetBackoff(origin);

        // A retry that arrives while the first attempt is in flight waits for its answer.
        var key = (origin, transactionId);
        var work = _inFlight.GetOrAdd(key, _ => new Lazy<Task<JsonObject>>(() => ProcessAndStoreAsync(key, transaction, cancellationToken)));
        return (await work.Value.ConfigureAwait(false)).DeepClone().AsObject();
    }

    /// <summary>The answer: the stored one of an earlier attempt, else the transaction's, stored after it is returned.</summary>
    private async Task<JsonObject> ProcessAndStoreAsync((string Origin, string TransactionId) key, InboundTransaction transaction,
        CancellationToken cancellationToken)
    {
        var storedAnswer = transactions.GetResponseAsync(transaction.Origin, transaction.TransactionId, cancellationToken);
        List<RoomPdus> rooms;
        try
        {
            rooms = await StartRoomsAsync(transaction, cancellationToken).ConfigureAwait(false);
            if (await storedAnswer.ConfigureAwait(false) is { } stored && JsonNode.Parse(stored) is JsonObject earlier)
            {
                // A retry of a transaction processed before: its PDUs' checks were for nothing.
                await Task.WhenAll(rooms.SelectMany(r => r.Pending())).ConfigureAwait(false);
                Forget(key);
                return earlier;
            }
        }
        catch
        {
            Forget(key);
            throw;
        }

        JsonObject answer;
        try
        {
            if (transaction.MalformedEdus > 0)
                ReceivingLog.EduMalformed(logger, transaction.Origin, $"{transaction.MalformedEdus} EDUs lack a string edu_type or an object content");
            var results = await ProcessPdusAsync(transaction, rooms, cancellationToken).ConfigureAwait(false);
            await edus.DispatchAsync(transaction.Origin, transaction.Edus, cancellationToken).ConfigureAwait(false);
            answer = new JsonObject { ["pdus"] = results };
        }
        catch
        {
            Forget(key);
            throw;
        }
        _ = StoreAnswerAsync(key, answer.ToJsonString());
        return answer;
    }

    /// <summary>Stores the answer for retries, then lets a retry find it there instead of in flight.</summary>
    private async Task StoreAnswerAsync((string Origin, string TransactionId) key, string answer)
    {
        try
        {
            var now = time.GetUtcNow();
            await transactions.SaveResponseAsync(key.Origin, key.TransactionId, answer, now.ToUnixTimeMilliseconds(),
                (now - AnswerRetention).ToUnixTimeMilliseconds(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The PDUs are stored; a retry is processed again and finds them known.
            ReceivingLog.AnswerNotStored(logger, e, key.TransactionId, key.Origin);
        }
        finally
        {
            Forget(key);
        }
    }

    private void Forget((string Origin, string TransactionId) key) => _inFlight.TryRemove(key, out _);

    /// <summary>The PDUs of one room, with the lookups and checks started for them.</summary>
    private sealed record RoomPdus(string RoomId, List<JsonObject> Pdus, RoomVersion? Version, Task<bool>? Allowed, Task<CheckedEvents>? Checked)
    {
        public IEnumerable<Task> Pending() => new Task?[] { Allowed, Checked }.OfType<Task>();
    }

    /// <summary>
    /// The PDUs grouped by room (in transaction order within each); for each room of this server, its server ACL
    /// asked and its PDUs' checks started. Answers for PDUs without a usable room go straight into the results.
    /// </summary>
    private async Task<List<RoomPdus>> StartRoomsAsync(InboundTransaction transaction, CancellationToken cancellationToken)
    {
        var byRoom = new Dictionary<string, List<JsonObject>>(StringComparer.Ordinal);
        foreach (var pdu in transaction.Pdus)
            if (pdu["room_id"] is JsonValue room && room.TryGetValue(out string? roomId) && RoomId.IsValid(roomId))
                (byRoom.TryGetValue(roomId, out var list) ? list : byRoom[roomId] = []).Add(pdu);
        var rooms = new List<RoomPdus>(byRoom.Count);
        foreach (var (roomId, pdus) in byRoom)
        {
            var room = await events.GetRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
            var version = room is null ? null : RoomVersionRegistry.Find(room.RoomVersion);
            rooms.Add(version is null
                ? new RoomPdus(roomId, pdus, null, null, null)
                : new RoomPdus(roomId, pdus, version, acl.IsAllowedAsync(roomId, transaction.Origin, cancellationToken),
                    processor.CheckAllAsync(pdus, version, cancellationToken)));
        }
        return rooms;
    }

    /// <summary>The rooms' PDUs processed, the rooms concurrently; the answer for every PDU by event id.</summary>
    private async Task<JsonObject> ProcessPdusAsync(InboundTransaction transaction, List<RoomPdus> rooms, CancellationToken cancellationToken)
    {
        var results = new ConcurrentDictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var pdu in transaction.Pdus)
        {
            if (pdu["room_id"] is JsonValue room && room.TryGetValue(out string? roomId) && RoomId.IsValid(roomId)) continue;
            if (DeclaredEventId(pdu) is { } eventId)
                results[eventId] = InboundPduProcessor.Error("the event has no valid room_id");
            else
                ReceivingLog.PduWithoutId(logger, transaction.Origin, "no valid room_id");
        }
        var budget = new FetchBudget(FetchRequestsPerTransaction);
        await Task.WhenAll(rooms.Select(r => ProcessRoomAsync(transaction.Origin, r, budget, results, cancellationToken))).ConfigureAwait(false);

        var answer = new JsonObject();
        foreach (var (eventId, result) in results.OrderBy(r => r.Key, StringComparer.Ordinal)) answer[eventId] = result;
        return answer;
    }

    private async Task ProcessRoomAsync(string origin, RoomPdus room, FetchBudget budget, ConcurrentDictionary<string, JsonObject> results,
        CancellationToken cancellationToken)
    {
        var (roomId, pdus, version) = (room.RoomId, room.Pdus, room.Version);
        var denied = room.Allowed is { } allowed && !await allowed.ConfigureAwait(false);
        // Every PDU of the room goes to the pipeline at once, so they are written in one batch; gaps are filled after, in order.
        var submitted = version is null || denied
            ? []
            : processor.SubmitAll(await room.Checked!.ConfigureAwait(false), cancellationToken);
        for (var index = 0; index < pdus.Count; index++)
        {
            var pdu = pdus[index];
            if (version is null || denied)
            {
                var problem = denied ? $"the server ACL of {roomId} denies {origin}" : $"the room {roomId} is not known here";
                if ((version is null ? DeclaredEventId(pdu) : EventIdOf(pdu, version)) is { } known) results[known] = InboundPduProcessor.Error(problem);
                else ReceivingLog.PduWithoutId(logger, origin, problem);
                continue;
            }
            RoomEventResult? first = null;
            Exception? failure = null;
            try
            {
                first = await submitted[index].ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = e;
            }
            // The pipeline names the event by the id it computed from the same JSON; it is computed again only when it gave none.
            var eventId = first?.EventId is { } computed && EventId.IsValid(computed) ? computed : EventIdOf(pdu, version);
            if (eventId is null)
            {
                ReceivingLog.PduWithoutId(logger, origin, "its event id cannot be computed");
                continue;
            }
            if (failure is not null)
            {
                ReceivingLog.PduFailed(logger, failure, eventId, origin);
                results[eventId] = InboundPduProcessor.Error("the event could not be processed");
                continue;
            }
            try
            {
                results[eventId] = await processor.CompleteAsync(origin, pdu, version, first!, budget, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                ReceivingLog.PduFailed(logger, e, eventId, origin);
                results[eventId] = InboundPduProcessor.Error("the event could not be processed");
            }
        }
    }

    /// <summary>The event's id in its room version (v1–v2: the one it carries, when it is an event id), or null.</summary>
    private static string? EventIdOf(JsonObject pdu, RoomVersion version)
    {
        try
        {
            var id = EventIds.Compute(pdu, version);
            return EventId.IsValid(id) ? id : null;
        }
        catch (Exception e) when (e is PduFormatException or Json.CanonicalJsonException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>An <c>event_id</c> the PDU carries (room versions 1–2), to answer for a PDU whose room is unusable.</summary>
    private static string? DeclaredEventId(JsonObject pdu) =>
        pdu["event_id"] is JsonValue v && v.TryGetValue(out string? id) && EventId.IsValid(id) ? id : null;
}
