using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.History;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.Signing;
using Homeserver.Federation.StateResolution;
using Homeserver.Federation.Transport;
using Homeserver.Storage.Events;

namespace Homeserver.Federation.Rooms;

public sealed partial class RoomEventPipeline
{
    /// <summary>Most requests (<c>/event_auth</c>, <c>/state_ids</c>, <c>/event</c>) one backfill makes to check what it got.</summary>
    public const int MaxBackfillRequests = 60;

    /// <summary>Most event ids a <c>/state_ids</c> answer may hold for backfill to use it.</summary>
    private const int MaxBackfillStateIds = 20_000;

    /// <summary>
    /// Takes older events of a room that another server returned from <c>/backfill</c>: checks each
    /// one's format, signatures and hashes (like <see cref="ReceiveAsync(JsonObject, RoomVersion, CancellationToken)"/>)
    /// and its authorisation by its auth events (fetching missing ones from <paramref name="source"/> with
    /// <c>/event_auth</c>); takes the state before it from its prev events, or from the source's
    /// <c>/state_ids</c> where those are not held here; and stores the events so that they sort before
    /// all history held (<see cref="IRoomBackfillStore"/>), without touching forward extremities,
    /// current state or the notifier. Events that fail auth are stored as rejected; events that cannot
    /// be checked are dropped. The work is bounded by <see cref="MaxBackfillRequests"/>.
    /// </summary>
    public async Task<BackfillResult> BackfillAsync(string roomId, RoomVersion version, IReadOnlyList<JsonObject> events, IBackfillSource source,
        CancellationToken cancellationToken)
    {
        if (_store is not IRoomBackfillStore target)
            throw new InvalidOperationException("The room event store cannot hold backfilled events.");
        var room = await _store.GetRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        if (room is null)
            return new BackfillResult(0, [(null, $"room {roomId} is not known here")]);
        var run = new BackfillRun(roomId, version, source, room.CreateEventId);

        var candidates = new Dictionary<string, Pdu>(StringComparer.Ordinal);
        foreach (var json in events)
            if (await CheckBackfilledFormatAsync(run, json, cancellationToken).ConfigureAwait(false) is { } pdu)
                candidates.TryAdd(pdu.EventId, pdu);
        foreach (var record in await _store.GetEventsAsync(candidates.Keys, cancellationToken).ConfigureAwait(false))
            if (!record.IsOutlier) candidates.Remove(record.EventId);

        var toPersist = new List<EventToPersist>();
        foreach (var pdu in candidates.Values.OrderBy(p => p.Depth).ThenBy(p => p.EventId, StringComparer.Ordinal))
        {
            var authEvents = await AuthEventsOfBackfilledAsync(run, pdu, cancellationToken).ConfigureAwait(false);
            if (authEvents is null)
            {
                run.Drop(pdu.EventId, "its auth events could not be obtained");
                continue;
            }
            var verdict = await AuthorizeByAuthEventsAsync(run, pdu, authEvents, cancellationToken).ConfigureAwait(false);
            var stateBefore = await StateBeforeBackfilledAsync(run, pdu, cancellationToken).ConfigureAwait(false);
            if (stateBefore is null)
            {
                run.Drop(pdu.EventId, "the state before it could not be obtained");
                continue;
            }
            var rejected = !verdict.Allowed;
            toPersist.Add(new EventToPersist(pdu.EventId, pdu.RoomId, pdu.Type, pdu.StateKey, pdu.Sender, pdu.Depth, pdu.OriginServerTs,
                CanonicalJson.Encode(pdu.Json), pdu.PrevEvents, pdu.AuthEvents, pdu.Redacts, IsOutlier: false,
                RejectionReason: rejected ? $"{verdict.Rule}: {verdict.Reason}" : null, IsSoftFailed: false,
                StateBefore: StateMaps.ToStorage(stateBefore), Membership: RoomBatchWriter.MembershipOf(pdu), Relation: RoomBatchWriter.RelationOf(pdu)));
            var after = stateBefore;
            if (pdu.StateKey is { } stateKey && !rejected)
                after = new Dictionary<TypeStateKey, string>(stateBefore) { [new TypeStateKey(pdu.Type, stateKey)] = pdu.EventId };
            run.AfterStates[pdu.EventId] = after;
            run.Known[pdu.EventId] = new StoredPdu(pdu, rejected, IsOutlier: false);
        }

        if (toPersist.Count == 0)
            return new BackfillResult(0, run.Dropped);
        var persisted = await target.PersistBackfilledAsync(roomId, toPersist, cancellationToken).ConfigureAwait(false);
        return new BackfillResult(persisted.Count(p => p.StreamOrdering is not null), run.Dropped);
    }

    /// <summary>Format, signatures (else dropped) and content hash (else redacted), as for any received event.</summary>
    private async Task<Pdu?> CheckBackfilledFormatAsync(BackfillRun run, JsonObject json, CancellationToken cancellationToken)
    {
        Pdu pdu;
        try
        {
            pdu = PduParser.FromJson(json.DeepClone().AsObject(), run.Version);
        }
        catch (PduFormatException e)
        {
            run.Drop(null, "invalid event: " + e.Message);
            return null;
        }
        if (pdu.RoomId != run.RoomId)
        {
            run.Drop(pdu.EventId, "the event is in another room");
            return null;
        }
        var keys = new Dictionary<string, IReadOnlyCollection<VerifyKey>>(StringComparer.Ordinal);
        foreach (var server in EventSignatureVerifier.RequiredSigners(pdu.Json, run.Version))
            keys[server] = await KeysOfAsync(server, pdu, cancellationToken).ConfigureAwait(false);
        var (verdict, reason) = PduIntegrity.Check(pdu.Json, run.Version, server => keys.GetValueOrDefault(server) ?? []);
        switch (verdict)
        {
            case PduIntegrityVerdict.Rejected:
                run.Drop(pdu.EventId, "signature check failed: " + reason);
                return null;
            case PduIntegrityVerdict.MustBeRedacted:
                return Pdu.FromJson(Redaction.Redact(pdu.Json, run.Version), run.Version, pdu.EventId);
            case PduIntegrityVerdict.Intact when pdu.Json.ContainsKey("unsigned"):
                var stripped = pdu.Json.DeepClone().AsObject();
                stripped.Remove("unsigned");
                return Pdu.FromJson(stripped, run.Version, pdu.EventId);
            default:
                return pdu;
        }
    }

    /// <summary>The event's auth events, asking the source's <c>/event_auth</c> for those not held here; null when some stay missing.</summary>
    private async Task<List<StoredPdu>?> AuthEventsOfBackfilledAsync(BackfillRun run, Pdu pdu, CancellationToken cancellationToken)
    {
        var found = await FindAsync(run, pdu.AuthEvents, cancellationToken).ConfigureAwait(false);
        if (pdu.AuthEvents.Any(id => !found.ContainsKey(id)) && run.TakeRequest())
        {
            try
            {
                var chain = await run.Source.GetEventAuthAsync(run.RoomId, pdu.EventId, cancellationToken).ConfigureAwait(false);
                await AcceptOutliersAsync(run, chain, cancellationToken).ConfigureAwait(false);
            }
            catch (FederationRequestException e)
            {
                run.Drop(pdu.EventId, "event_auth failed: " + e.Message);
            }
            found = await FindAsync(run, pdu.AuthEvents, cancellationToken).ConfigureAwait(false);
        }
        return pdu.AuthEvents.All(found.ContainsKey) ? [.. pdu.AuthEvents.Select(id => found[id])] : null;
    }

    /// <summary>Step 4 of the checks on receipt: authorised by its own auth events.</summary>
    private async Task<AuthResult> AuthorizeByAuthEventsAsync(BackfillRun run, Pdu pdu, List<StoredPdu> authEvents, CancellationToken cancellationToken)
    {
        var version = run.Version;
        var rejectedAuth = authEvents.Where(e => e.IsRejected).Select(e => e.Pdu.EventId).ToHashSet(StringComparer.Ordinal);
        var pdus = authEvents.Select(e => e.Pdu).ToList();
        var verdict = AuthEventSelection.AuthEventsListCheck(version, pdu, pdus, e => rejectedAuth.Contains(e.EventId));
        if (!verdict.Allowed)
            return verdict;
        Pdu? create = null;
        var isCreate = pdu.Type == AuthStateKeys.CreateType && pdu.StateKey == "";
        if (!version.Rules.CreateEventInAuthEvents && !isCreate)
            create = (await FindAsync(run, [run.CreateEventId], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(run.CreateEventId)?.Pdu;
        return EventAuthorizer.Default.Check(version, pdu, AuthEventSelection.ToAuthState(pdus, create));
    }

    /// <summary>
    /// The state before a backfilled event: from the states after its prev events when all are in the
    /// timeline here (resolved when there are several), else the source's <c>/state_ids</c> at the event.
    /// </summary>
    private async Task<IReadOnlyDictionary<TypeStateKey, string>?> StateBeforeBackfilledAsync(BackfillRun run, Pdu pdu,
        CancellationToken cancellationToken)
    {
        var states = new List<IReadOnlyDictionary<TypeStateKey, string>>();
        var complete = true;
        foreach (var prev in pdu.PrevEvents.Distinct(StringComparer.Ordinal))
        {
            if (run.AfterStates.TryGetValue(prev, out var inRun)) states.Add(inRun);
            else if (await _store.GetStateAfterAsync(prev, cancellationToken).ConfigureAwait(false) is { } stored) states.Add(StateMaps.FromStorage(stored));
            else complete = false;
        }
        if (complete)
            return states.Count switch
            {
                0 => new Dictionary<TypeStateKey, string>(),
                1 => states[0],
                _ => await ResolveForBackfillAsync(run, states, cancellationToken).ConfigureAwait(false),
            };

        if (!run.TakeRequest())
            return null;
        IReadOnlyList<string> stateIds, chainIds;
        try
        {
            (stateIds, chainIds) = await run.Source.GetStateIdsAsync(run.RoomId, pdu.EventId, cancellationToken).ConfigureAwait(false);
        }
        catch (FederationRequestException e)
        {
            run.Drop(pdu.EventId, "state_ids failed: " + e.Message);
            return null;
        }
        if (stateIds.Count + chainIds.Count > MaxBackfillStateIds)
            return null;

        var wanted = stateIds.Concat(chainIds).Distinct(StringComparer.Ordinal).ToList();
        var found = await FindAsync(run, wanted, cancellationToken).ConfigureAwait(false);
        var fetched = new List<JsonObject>();
        foreach (var id in wanted.Where(id => !found.ContainsKey(id)))
        {
            if (!run.TakeRequest()) return null;
            try
            {
                if (await run.Source.GetEventAsync(id, cancellationToken).ConfigureAwait(false) is { } json) fetched.Add(json);
            }
            catch (FederationRequestException e)
            {
                run.Drop(id, "event fetch failed: " + e.Message);
            }
        }
        await AcceptOutliersAsync(run, fetched, cancellationToken).ConfigureAwait(false);
        found = await FindAsync(run, stateIds, cancellationToken).ConfigureAwait(false);

        var state = new Dictionary<TypeStateKey, string>();
        foreach (var id in stateIds)
        {
            if (!found.TryGetValue(id, out var ev) || ev.Pdu.StateKey is not { } stateKey || ev.Pdu.RoomId != run.RoomId) return null;
            if (!ev.IsRejected) state[new TypeStateKey(ev.Pdu.Type, stateKey)] = id;
        }
        return state;
    }

    /// <summary>
    /// Checks events fetched to check others (auth chains, state) and stores them as outliers: format,
    /// signatures and hashes, then auth by their auth events, oldest first. Events that fail auth are
    /// stored as rejected; those whose auth events stay unknown are dropped.
    /// </summary>
    private async Task AcceptOutliersAsync(BackfillRun run, IReadOnlyList<JsonObject> events, CancellationToken cancellationToken)
    {
        var candidates = new Dictionary<string, Pdu>(StringComparer.Ordinal);
        foreach (var json in events)
            if (await CheckBackfilledFormatAsync(run, json, cancellationToken).ConfigureAwait(false) is { } pdu)
                candidates.TryAdd(pdu.EventId, pdu);
        var known = await FindAsync(run, candidates.Keys.ToList(), cancellationToken).ConfigureAwait(false);
        var outliers = new List<EventToPersist>();
        foreach (var pdu in candidates.Values.Where(p => !known.ContainsKey(p.EventId)).OrderBy(p => p.Depth).ThenBy(p => p.EventId, StringComparer.Ordinal))
        {
            var authFound = await FindAsync(run, pdu.AuthEvents, cancellationToken).ConfigureAwait(false);
            if (!pdu.AuthEvents.All(authFound.ContainsKey))
            {
                run.Drop(pdu.EventId, "its auth events are not known");
                continue;
            }
            var verdict = await AuthorizeByAuthEventsAsync(run, pdu, [.. pdu.AuthEvents.Select(id => authFound[id])], cancellationToken)
                .ConfigureAwait(false);
            outliers.Add(new EventToPersist(pdu.EventId, pdu.RoomId, pdu.Type, pdu.StateKey, pdu.Sender, pdu.Depth, pdu.OriginServerTs,
                CanonicalJson.Encode(pdu.Json), pdu.PrevEvents, pdu.AuthEvents, pdu.Redacts, IsOutlier: true,
                RejectionReason: verdict.Allowed ? null : $"{verdict.Rule}: {verdict.Reason}", IsSoftFailed: false, StateBefore: null,
                Membership: RoomBatchWriter.MembershipOf(pdu)));
            run.Known[pdu.EventId] = new StoredPdu(pdu, !verdict.Allowed, IsOutlier: true);
        }
        if (outliers.Count > 0)
            await _store.PersistOutliersAsync(outliers, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resolves the states after several prev events, with every event the resolution may read loaded first.</summary>
    private async Task<IReadOnlyDictionary<TypeStateKey, string>> ResolveForBackfillAsync(BackfillRun run,
        IReadOnlyList<IReadOnlyDictionary<TypeStateKey, string>> states, CancellationToken cancellationToken)
    {
        var events = new Dictionary<string, StoredPdu>(StringComparer.Ordinal);
        var storedRoots = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(states.SelectMany(s => s.Values).Distinct(StringComparer.Ordinal));
        while (pending.Count > 0)
        {
            var id = pending.Pop();
            if (events.ContainsKey(id) || storedRoots.Contains(id)) continue;
            if (run.Known.TryGetValue(id, out var inRun))
            {
                events[id] = inRun;
                foreach (var authId in inRun.Pdu.AuthEvents) pending.Push(authId);
            }
            else storedRoots.Add(id);
        }
        var chain = await _store.GetAuthChainAsync(storedRoots, cancellationToken).ConfigureAwait(false);
        foreach (var (id, stored) in await FindAsync(run, storedRoots.Concat(chain).ToList(), cancellationToken).ConfigureAwait(false))
            events[id] = stored;
        return StateResolver.Resolve(run.Version, states, id => events.GetValueOrDefault(id)?.Pdu, EventAuthorizer.Default.Check,
            id => events.GetValueOrDefault(id)?.IsRejected ?? false);
    }

    /// <summary>The events among the ids that this backfill checked or that are stored here, by id.</summary>
    private async Task<Dictionary<string, StoredPdu>> FindAsync(BackfillRun run, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, StoredPdu>(StringComparer.Ordinal);
        var toRead = new List<string>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (run.Known.TryGetValue(id, out var known)) found[id] = known;
            else toRead.Add(id);
        }
        if (toRead.Count > 0)
            foreach (var record in await _store.GetEventsAsync(toRead, cancellationToken).ConfigureAwait(false))
                if (record.RoomId == run.RoomId)
                    found[record.EventId] = StoredPduLoader.FromRecord(record, run.Version);
        return found;
    }

    /// <summary>What one backfill has checked so far, and its request budget.</summary>
    private sealed class BackfillRun(string roomId, RoomVersion version, IBackfillSource source, string createEventId)
    {
        private int _requests;

        public string RoomId { get; } = roomId;
        public RoomVersion Version { get; } = version;
        public IBackfillSource Source { get; } = source;
        public string CreateEventId { get; } = createEventId;

        /// <summary>Events checked by this backfill (timeline events and outliers), by id.</summary>
        public Dictionary<string, StoredPdu> Known { get; } = new(StringComparer.Ordinal);

        /// <summary>The state after each timeline event of this backfill.</summary>
        public Dictionary<string, IReadOnlyDictionary<TypeStateKey, string>> AfterStates { get; } = new(StringComparer.Ordinal);

        public List<(string? EventId, string Reason)> Dropped { get; } = [];

        public void Drop(string? eventId, string reason) => Dropped.Add((eventId, reason));

        /// <summary>Counts one request to the source; false once the budget is spent.</summary>
        public bool TakeRequest() => ++_requests <= MaxBackfillRequests;
    }
}
