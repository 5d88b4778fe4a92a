using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Storage.Events;
using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.Rooms;

/// <summary>
/// Writes one batch of a room's queued events: checks each event in order against the room as the
/// previous ones left it (auth events, state before, current state), then stores them all in one
/// transaction. When another writer changed the room meanwhile the whole batch is recomputed.
/// </summary>
internal sealed class RoomBatchWriter(IRoomEventStore store, PduCache cache, LocalEventBuilder builder,
    IRoomEventNotifier notifier, RoomEventPipelineOptions options, ILogger logger)
{
    private readonly StoredPduLoader _loader = new(store, cache);
    private readonly KnownRoomHeads _knownHeads = new(options.KnownHeadStateEntries);

    /// <summary>What one queued event came to in one attempt.</summary>
    private sealed class Plan(RoomWork work)
    {
        public RoomWork Work { get; } = work;
        /// <summary>The final result when nothing is stored for the event.</summary>
        public RoomEventResult? Result { get; set; }
        public EventToPersist? ToPersist { get; set; }
        /// <summary>The event to store, parsed (set with <see cref="ToPersist"/>).</summary>
        public Pdu? Pdu { get; set; }
        public AuthResult? Failure { get; set; }
        /// <summary>A repeat of an earlier client transaction of the same batch: answered like it.</summary>
        public Plan? SameAs { get; set; }
        public Exception? Error { get; set; }
        /// <summary>The result came from stored data (a client transaction or event already stored), not from the head.</summary>
        public bool AnsweredByStore { get; set; }
        /// <summary>Events of a remote state stored with this event as outliers (checked against their auth events).</summary>
        public List<(EventToPersist Row, StoredPdu Pdu)> Outliers { get; } = [];
    }

    public async Task WriteAsync(string roomId, IReadOnlyList<RoomWork> batch)
    {
        // An event that brings a remote state (a join, an event after a gap) goes alone: if it fails
        // after the head took its state, nothing else of a batch depends on that head.
        if (batch.Count > 1 && batch.Any(w => w.RemoteState is not null))
        {
            foreach (var work in batch) await WriteAsync(roomId, [work]).ConfigureAwait(false);
            return;
        }
        var ct = CancellationToken.None; // a caller giving up must not tear a batch others wait for
        // Received events are taken for new until that proves wrong: the store checks it when it writes them.
        var askStore = false;
        for (var attempt = 1; ; attempt++)
        {
            var head = await RoomHead.LoadAsync(store, _loader, roomId, _knownHeads.Get(roomId), ct).ConfigureAwait(false);
            var lookups = await LookUpAsync(batch, askStore, ct).ConfigureAwait(false);
            var plans = new List<Plan>(batch.Count);
            var transactions = new Dictionary<ClientTransactionKey, Plan>();
            foreach (var work in batch)
            {
                var plan = new Plan(work);
                plans.Add(plan);
                try
                {
                    await PlanAsync(head, plan, transactions, lookups, ct).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    RoomsLog.EventFailed(logger, e, work.Pdu?.EventId, roomId);
                    plan.Error = e;
                    if (plan.ToPersist is not null)
                    {
                        // It failed while taking the event into the head: the head is no longer consistent, nothing of the batch is written.
                        foreach (var failed in batch) failed.Fail(e);
                        return;
                    }
                }
            }

            // The store's check proves an event taken for new right only when the batch writes it; an answer given
            // without writing it (a refusal, a gap) could be wrong for an event stored already, so the store is asked first.
            if (lookups.AssumedNew.Count > 0
                && plans.Any(p => p.ToPersist is null && !p.AnsweredByStore && p.Work.Pdu is { } pdu && lookups.AssumedNew.Contains(pdu.EventId)))
            {
                askStore = true;
                attempt--;
                continue;
            }

            // The store's extremity check proves a remembered head right for what is stored; an answer given
            // without storing anything (a refusal, a build) is given on a head read now.
            if (head.IsRemembered && plans.Any(p => p.ToPersist is null && p.SameAs is null && !p.AnsweredByStore))
            {
                _knownHeads.Forget(roomId);
                attempt--;
                continue;
            }

            var toPersist = plans.Where(p => p.ToPersist is not null).ToList();
            // Outliers are kept even when their event was not (they passed their checks), unless they were to make the room.
            var outliers = head.Room is not null || toPersist.Count > 0 ? plans.SelectMany(p => p.Outliers).ToList() : [];
            IReadOnlyList<PersistedEvent> persisted = [];
            if (toPersist.Count > 0 || outliers.Count > 0)
            {
                var newRoom = head.NewCreateEvent is { } create ? new NewRoom(create.RoomVersion.Id, CreatorOf(create), create.EventId) : null;
                var events = outliers.Select(o => o.Row).Concat(toPersist.Select(p => p.ToPersist!)).ToList();
                var roomBatch = new RoomEventBatch(roomId, events, head.StoredExtremities,
                    head.Extremities, head.CurrentStateChanged ? head.ToStorage(head.CurrentState) : null, newRoom, lookups.AssumedNew);
                try
                {
                    persisted = await store.PersistAsync(roomBatch, ct).ConfigureAwait(false);
                }
                catch (RoomChangedException) when (attempt < options.MaxAttempts)
                {
                    // Another writer changed the room: what this one remembered of it is stale too.
                    _knownHeads.Forget(roomId);
                    askStore = true;
                    RoomsLog.RoomChangedRetrying(logger, roomId, batch.Count, attempt);
                    continue;
                }
                catch (Exception e)
                {
                    _knownHeads.Forget(roomId);
                    RoomsLog.BatchFailed(logger, e, roomId, batch.Count);
                    foreach (var work in batch) work.Fail(e);
                    return;
                }
            }

            if (persisted.Count > 0)
                _knownHeads.Remember(roomId, head.Extremities, head.CurrentState);
            // The next events of the room point to these: keep them parsed.
            foreach (var plan in toPersist)
                cache.Add(new StoredPdu(plan.Pdu!, plan.ToPersist!.RejectionReason is not null, IsOutlier: false));
            foreach (var outlier in outliers)
                cache.Add(outlier.Pdu);
            // Notify before acknowledging, so a client that has its answer finds its event in a sync it starts next.
            var orderings = persisted.Where(p => p.StreamOrdering is not null).ToList();
            if (orderings.Count > 0)
            {
                var members = toPersist.Select(p => p.Pdu!).Where(p => p.Type == "m.room.member" && p.StateKey is not null)
                    .Select(p => p.StateKey!).Distinct(StringComparer.Ordinal).ToList();
                var senders = toPersist.Select(p => p.Pdu!).Concat(outliers.Select(o => o.Pdu.Pdu))
                    .DistinctBy(p => p.EventId, StringComparer.Ordinal).ToDictionary(p => p.EventId, p => p.Sender, StringComparer.Ordinal);
                var eventIds = orderings.Select(p => p.EventId).ToList();
                notifier.NotifyCommitted(new RoomEventsCommitted(roomId, eventIds, orderings.Max(p => p.StreamOrdering!.Value), members,
                    head.CurrentStateChanged, eventIds.All(senders.ContainsKey) ? [.. eventIds.Select(id => senders[id])] : null));
            }
            Complete(plans, persisted);
            return;
        }
    }

    private void Complete(List<Plan> plans, IReadOnlyList<PersistedEvent> persisted)
    {
        var orderings = persisted.ToDictionary(p => p.EventId, p => p.StreamOrdering, StringComparer.Ordinal);
        RoomEventResult ResultOf(Plan plan)
        {
            if (plan.SameAs is not null) return ResultOf(plan.SameAs);
            if (plan.Result is not null) return plan.Result;
            if (plan.ToPersist is null) return RoomEventResult.Dropped(null, "nothing was stored for the event");
            var ev = plan.ToPersist!;
            var ordering = orderings.GetValueOrDefault(ev.EventId);
            if (ev.RejectionReason is not null)
                return new RoomEventResult(RoomEventOutcome.Rejected, ev.EventId, ordering, plan.Failure?.Rule, plan.Failure?.Reason);
            if (ev.IsSoftFailed)
                return new RoomEventResult(RoomEventOutcome.SoftFailed, ev.EventId, ordering, plan.Failure?.Rule, plan.Failure?.Reason);
            return RoomEventResult.Accepted(ev.EventId, ordering);
        }

        foreach (var plan in plans)
        {
            var error = plan.SameAs?.Error ?? plan.Error;
            if (error is not null)
            {
                plan.Work.Fail(error);
                continue;
            }
            var result = ResultOf(plan);
            if (!result.IsAccepted)
                RoomsLog.EventNotAccepted(logger, result.EventId, plan.Work.RoomId, result.Outcome, result.Rule, result.Reason);
            plan.Work.Complete(result);
        }
    }

    /// <summary>
    /// What the batch's events need from the store before they are checked, read once for the whole batch: the client
    /// transactions used, the received events stored already, and those taken for new without asking.
    /// </summary>
    private sealed record BatchLookups(IReadOnlyDictionary<ClientTransactionKey, string> Transactions, IReadOnlySet<string> StoredReceived,
        IReadOnlySet<string> AssumedNew);

    /// <summary>
    /// The client transactions of the batch's drafts already used, and which received events are stored already
    /// (those the event cache holds are; the rest are asked in one read when <paramref name="askStore"/>, else taken for new).
    /// </summary>
    private async Task<BatchLookups> LookUpAsync(IReadOnlyList<RoomWork> batch, bool askStore, CancellationToken ct)
    {
        var keys = batch.Where(w => w.Draft is not null && w.Transaction is not null).Select(w => w.Transaction!).Distinct().ToList();
        var transactions = keys.Count == 0
            ? new Dictionary<ClientTransactionKey, string>()
            : await store.GetEventIdsForTransactionsAsync(keys, ct).ConfigureAwait(false);
        var stored = new HashSet<string>(StringComparer.Ordinal);
        var ask = new List<string>();
        var assumedNew = new HashSet<string>(StringComparer.Ordinal);
        foreach (var work in batch)
        {
            if (work.Draft is not null || work.IsLocal || work.Pdu is not { } pdu) continue;
            if (cache.TryGet(pdu.EventId, out _)) stored.Add(pdu.EventId);
            else if (askStore) ask.Add(pdu.EventId);
            else assumedNew.Add(pdu.EventId);
        }
        if (ask.Count > 0)
        {
            var missing = await store.GetMissingEventIdsAsync(ask.Distinct(StringComparer.Ordinal).ToList(), ct).ConfigureAwait(false);
            stored.UnionWith(ask.Where(id => !missing.Contains(id)));
        }
        return new BatchLookups(transactions, stored, assumedNew);
    }

    private async Task PlanAsync(RoomHead head, Plan plan, Dictionary<ClientTransactionKey, Plan> transactions, BatchLookups lookups,
        CancellationToken ct)
    {
        var work = plan.Work;
        if (work.Draft is not { } draft)
        {
            IReadOnlyDictionary<TypeStateKey, string>? providedState = null;
            if (work.RemoteState is { } remote)
            {
                providedState = await TakeRemoteStateAsync(head, plan, work.Pdu!, remote, ct).ConfigureAwait(false);
                if (providedState is null) return;
            }
            await CheckAsync(head, plan, work.Pdu!, lookups, ct, providedState).ConfigureAwait(false);
            return;
        }

        if (work.Transaction is { } transaction)
        {
            if (transactions.TryGetValue(transaction, out var first))
            {
                plan.SameAs = first;
                return;
            }
            if (lookups.Transactions.TryGetValue(transaction, out var existingId))
            {
                var existing = await store.GetEventAsync(existingId, ct).ConfigureAwait(false);
                plan.Result = RoomEventResult.Accepted(existingId, existing?.StreamOrdering);
                plan.AnsweredByStore = true;
                return;
            }
            transactions[transaction] = plan;
        }
        if (!builder.IsLocalUser(draft.Sender))
        {
            plan.Result = RoomEventResult.Dropped(null, $"{draft.Sender} is not a user of {builder.ServerName}");
            return;
        }
        if (head.Version is not { } version)
        {
            plan.Result = RoomEventResult.Missing(null, $"room {head.RoomId} is not known here");
            return;
        }

        var extremities = await head.GetEventsAsync(head.Extremities, ct).ConfigureAwait(false);
        var prevEvents = LocalEventBuilder.ChoosePrevEvents(extremities.Values.Select(e => e.Pdu));
        var authState = await head.StateEventsAsync(head.CurrentState,
            AuthEventSelection.Select(version, draft.Type, draft.StateKey, draft.Sender, draft.Content), ct).ConfigureAwait(false);
        Pdu pdu;
        try
        {
            pdu = builder.Build(version, draft, prevEvents, authState);
        }
        catch (PduFormatException e)
        {
            plan.Result = RoomEventResult.Dropped(null, e.Message);
            return;
        }
        if (work.BuildOnly)
        {
            // Checked against the current state only; whoever stores it later runs every check.
            var verdict = EventAuthorizer.Default.Check(version, pdu,
                await head.StateEventsAsync(head.CurrentState, AuthEventSelection.StateReadByAuthRules(pdu), ct).ConfigureAwait(false));
            work.Built = verdict.Allowed ? pdu : null;
            plan.Result = verdict.Allowed
                ? new RoomEventResult(RoomEventOutcome.Accepted, pdu.EventId)
                : RoomEventResult.Rejected(pdu.EventId, verdict.Rule, verdict.Reason);
            return;
        }
        await CheckAsync(head, plan, pdu, lookups, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes a remote state into the head: each event not stored yet is checked against its auth events
    /// (in auth order, so an event's auth events are decided before it) and kept as an outlier; the
    /// state before the event is made of the state events that passed. For a room not known here (a
    /// join), the room is adopted from that state. Null (with the plan's result set) when unusable.
    /// </summary>
    private async Task<IReadOnlyDictionary<TypeStateKey, string>?> TakeRemoteStateAsync(RoomHead head, Plan plan, Pdu pdu, RemoteState remote,
        CancellationToken ct)
    {
        var provided = new Dictionary<string, Pdu>(StringComparer.Ordinal);
        foreach (var ev in remote.Events)
            if (ev.RoomId == pdu.RoomId && ev.RoomVersion == pdu.RoomVersion) provided.TryAdd(ev.EventId, ev);

        if (!head.Exists)
        {
            var create = provided.Values.FirstOrDefault(e => e.Type == AuthStateKeys.CreateType && e.StateKey == "");
            if (!remote.MayCreateRoom || create is null)
            {
                plan.Result = RoomEventResult.Missing(pdu.EventId, $"room {head.RoomId} is not known here and the state has no create event");
                return null;
            }
            head.AdoptRemoteRoom(create, new Dictionary<TypeStateKey, string>());
        }

        var stored = await head.GetEventsAsync(provided.Keys, ct).ConfigureAwait(false);
        var decided = new Dictionary<string, StoredPdu>(stored, StringComparer.Ordinal);
        foreach (var ev in AuthOrder(provided.Values.Where(e => !decided.ContainsKey(e.EventId))))
        {
            var (verdict, _) = await AuthorisedByAuthEventsAsync(head, ev, decided, ct).ConfigureAwait(false);
            var outlier = new StoredPdu(ev, !verdict.Allowed, IsOutlier: true);
            decided[ev.EventId] = outlier;
            head.AddOutlier(outlier);
            plan.Outliers.Add((new EventToPersist(ev.EventId, ev.RoomId, ev.Type, ev.StateKey, ev.Sender, ev.Depth, ev.OriginServerTs,
                Json.CanonicalJson.Encode(ev.Json), ev.PrevEvents, ev.AuthEvents, ev.Redacts, IsOutlier: true,
                RejectionReason: verdict.Allowed ? null : $"{verdict.Rule}: {verdict.Reason}", IsSoftFailed: false, StateBefore: null,
                Membership: MembershipOf(ev)), outlier));
        }

        var state = new Dictionary<TypeStateKey, string>();
        foreach (var id in remote.StateEventIds.Distinct(StringComparer.Ordinal))
        {
            if (!decided.TryGetValue(id, out var ev) || ev.IsRejected || !ev.Pdu.IsState) continue;
            if (!state.TryAdd(ev.Pdu.StateEntryKey, id))
            {
                plan.Result = RoomEventResult.Dropped(pdu.EventId, $"the state names two events for {ev.Pdu.Type}/{ev.Pdu.StateKey}");
                return null;
            }
        }
        if (head.Room is null)
        {
            if (!state.TryGetValue(new TypeStateKey(AuthStateKeys.CreateType, ""), out var createId) || decided[createId].IsRejected)
            {
                plan.Result = RoomEventResult.Dropped(pdu.EventId, "the state's create event was not accepted");
                return null;
            }
            head.ReplaceAdoptedState(state);
        }
        return state;
    }

    /// <summary>Events ordered so that each comes after the events of its auth_events among them (then by depth).</summary>
    private static List<Pdu> AuthOrder(IEnumerable<Pdu> events)
    {
        var byId = events.ToDictionary(e => e.EventId, StringComparer.Ordinal);
        var ordered = new List<Pdu>(byId.Count);
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: visiting, true: done
        foreach (var root in byId.Values.OrderBy(e => e.Depth).ThenBy(e => e.EventId, StringComparer.Ordinal))
        {
            var stack = new Stack<(Pdu Event, bool Expanded)>();
            stack.Push((root, false));
            while (stack.Count > 0)
            {
                var (ev, expanded) = stack.Pop();
                if (expanded)
                {
                    state[ev.EventId] = true;
                    ordered.Add(ev);
                    continue;
                }
                if (state.ContainsKey(ev.EventId)) continue; // done, or a cycle (left to fail its auth check)
                state[ev.EventId] = false;
                stack.Push((ev, true));
                foreach (var authId in ev.AuthEvents)
                    if (byId.TryGetValue(authId, out var auth) && !state.ContainsKey(authId)) stack.Push((auth, false));
            }
        }
        return ordered;
    }

    /// <summary>Step 4 of the checks on receipt: the event is allowed by its own auth events (the rejected-ness of each included).</summary>
    private static async Task<(AuthResult Verdict, List<string> Missing)> AuthorisedByAuthEventsAsync(RoomHead head, Pdu pdu,
        IReadOnlyDictionary<string, StoredPdu>? known, CancellationToken ct)
    {
        var version = pdu.RoomVersion;
        var isCreate = pdu.Type == AuthStateKeys.CreateType && pdu.StateKey == "";
        var authEvents = new List<Pdu>(pdu.AuthEvents.Count);
        var authRejected = new HashSet<string>(StringComparer.Ordinal);
        if (!isCreate)
        {
            var found = new Dictionary<string, StoredPdu>(StringComparer.Ordinal);
            var toLoad = new List<string>();
            foreach (var id in pdu.AuthEvents)
            {
                if (known is not null && known.TryGetValue(id, out var k)) found[id] = k;
                else toLoad.Add(id);
            }
            if (toLoad.Count > 0)
                foreach (var (id, ev) in await head.GetEventsAsync(toLoad, ct).ConfigureAwait(false)) found[id] = ev;
            var missing = pdu.AuthEvents.Where(id => !found.ContainsKey(id)).Distinct().ToList();
            if (missing.Count > 0)
                return (AuthResult.Reject("auth_events", "auth events not known here: " + string.Join(", ", missing)), missing);
            foreach (var id in pdu.AuthEvents)
            {
                authEvents.Add(found[id].Pdu);
                if (found[id].IsRejected) authRejected.Add(id);
            }
        }
        var verdict = AuthEventSelection.AuthEventsListCheck(version, pdu, authEvents, e => authRejected.Contains(e.EventId));
        if (verdict.Allowed)
        {
            var create = version.Rules.CreateEventInAuthEvents || isCreate ? null : await head.GetCreateEventAsync(ct).ConfigureAwait(false);
            verdict = EventAuthorizer.Default.Check(version, pdu, AuthEventSelection.ToAuthState(authEvents, create));
        }
        return (verdict, []);
    }

    /// <summary>
    /// The checks of "Checks performed on receipt of a PDU" from step 4 on (format, signatures and
    /// hashes were checked before the event was queued), then the event's place in the batch.
    /// </summary>
    private async Task CheckAsync(RoomHead head, Plan plan, Pdu pdu, BatchLookups lookups, CancellationToken ct,
        IReadOnlyDictionary<TypeStateKey, string>? providedStateBefore = null)
    {
        var isLocal = plan.Work.IsLocal;
        var isCreate = pdu.Type == AuthStateKeys.CreateType && pdu.StateKey == "";
        if (head.InBatch(pdu.EventId))
        {
            plan.Result = new RoomEventResult(RoomEventOutcome.AlreadyKnown, pdu.EventId);
            plan.AnsweredByStore = true;
            return;
        }
        if (!isLocal && lookups.StoredReceived.Contains(pdu.EventId) && await store.GetEventAsync(pdu.EventId, ct).ConfigureAwait(false) is { } known)
        {
            plan.Result = new RoomEventResult(RoomEventOutcome.AlreadyKnown, pdu.EventId, known.StreamOrdering);
            plan.AnsweredByStore = true;
            return;
        }
        if (isCreate && head.Exists)
        {
            plan.Result = RoomEventResult.Dropped(pdu.EventId, $"room {head.RoomId} already has a create event");
            return;
        }
        if (!isCreate)
        {
            if (!head.Exists)
            {
                plan.Result = RoomEventResult.Missing(pdu.EventId, $"room {head.RoomId} is not known here");
                return;
            }
            if (pdu.RoomVersion != head.Version)
            {
                plan.Result = RoomEventResult.Dropped(pdu.EventId, $"the event is in room version {pdu.RoomVersion.Id}, the room is {head.Version!.Id}");
                return;
            }
            if (pdu.PrevEvents.Count == 0)
            {
                plan.Result = RoomEventResult.Dropped(pdu.EventId, "only a create event may have no prev_events");
                return;
            }
        }
        var version = pdu.RoomVersion;

        // 4. Authorised by its auth events.
        var (verdict, missingAuth) = await AuthorisedByAuthEventsAsync(head, pdu, null, ct).ConfigureAwait(false);
        if (missingAuth.Count > 0)
        {
            plan.Result = RoomEventResult.Missing(pdu.EventId, "auth events not known here: " + string.Join(", ", missingAuth));
            return;
        }

        // 5. Authorised by the state before it.
        IReadOnlyDictionary<TypeStateKey, string> stateBefore = new Dictionary<TypeStateKey, string>();
        if (providedStateBefore is not null)
        {
            stateBefore = providedStateBefore;
        }
        else if (!isCreate)
        {
            var (state, missing) = await StateBeforeAsync(head, pdu, ct).ConfigureAwait(false);
            if (state is null)
            {
                plan.Result = RoomEventResult.Missing(pdu.EventId, "prev events not known here (or only as outliers): " + string.Join(", ", missing));
                return;
            }
            stateBefore = state;
        }
        if (verdict.Allowed)
            verdict = EventAuthorizer.Default.Check(version, pdu,
                await head.StateEventsAsync(stateBefore, AuthEventSelection.StateReadByAuthRules(pdu), ct).ConfigureAwait(false));

        // 6. Authorised by the current state, or soft-failed (a local event is refused instead: its sender would never see it).
        var softFailed = false;
        if (verdict.Allowed && !isCreate && !StateMaps.AreEqual(stateBefore, head.CurrentState))
        {
            // After a gap the current state knows nothing of what the other server reported: check against
            // the state the room would have with this event, as Synapse does.
            var currentState = providedStateBefore is null
                ? head.CurrentState
                : await head.ResolveAsync([head.CurrentState, providedStateBefore], ct).ConfigureAwait(false);
            var current = EventAuthorizer.Default.Check(version, pdu,
                await head.StateEventsAsync(currentState, AuthEventSelection.StateReadByAuthRules(pdu), ct).ConfigureAwait(false));
            if (!current.Allowed)
            {
                if (isLocal) verdict = current;
                else
                {
                    softFailed = true;
                    plan.Failure = current;
                }
            }
        }

        var rejected = !verdict.Allowed;
        if ((rejected || softFailed) && head.Room is null && plan.Work.RemoteState is not null)
        {
            // A join that does not pass on top of the state that came with it makes no room here.
            plan.Result = RoomEventResult.Rejected(pdu.EventId, (plan.Failure ?? verdict).Rule, (plan.Failure ?? verdict).Reason);
            return;
        }
        if (rejected)
        {
            plan.Failure = verdict;
            // A refused create event makes no room, so there is nothing to store it in.
            if (isLocal || isCreate)
            {
                plan.Result = RoomEventResult.Rejected(pdu.EventId, verdict.Rule, verdict.Reason);
                return;
            }
        }

        plan.Pdu = pdu;
        plan.ToPersist = new EventToPersist(pdu.EventId, pdu.RoomId, pdu.Type, pdu.StateKey, pdu.Sender, pdu.Depth, pdu.OriginServerTs,
            Json.CanonicalJson.Encode(pdu.Json), pdu.PrevEvents, pdu.AuthEvents, pdu.Redacts, IsOutlier: false,
            RejectionReason: rejected ? $"{verdict.Rule}: {verdict.Reason}" : null, IsSoftFailed: softFailed,
            StateBefore: head.ToStorage(stateBefore), Membership: MembershipOf(pdu), ClientTransaction: plan.Work.Transaction,
            Relation: RelationOf(pdu));
        await head.ApplyAsync(pdu, stateBefore, rejected, softFailed, ct).ConfigureAwait(false);
    }

    /// <summary>The state before an event: resolved over the states after its prev events (null, with the ids, when some are unknown).</summary>
    private static async Task<(IReadOnlyDictionary<TypeStateKey, string>? State, List<string> Missing)> StateBeforeAsync(RoomHead head, Pdu pdu,
        CancellationToken ct)
    {
        // On top of all forward extremities (every local event, most received ones) the state
        // before is the current state: that is how the current state is defined.
        if (pdu.PrevEvents.ToHashSet(StringComparer.Ordinal).SetEquals(head.Extremities)) return (head.CurrentState, []);

        var prevStates = new List<IReadOnlyDictionary<TypeStateKey, string>>();
        var missing = new List<string>();
        foreach (var prev in pdu.PrevEvents.Distinct(StringComparer.Ordinal))
        {
            if (await head.GetStateAfterAsync(prev, ct).ConfigureAwait(false) is { } after) prevStates.Add(after);
            else missing.Add(prev);
        }
        if (missing.Count > 0) return (null, missing);
        return (prevStates.Count == 1 ? prevStates[0] : await head.ResolveAsync(prevStates, ct).ConfigureAwait(false), missing);
    }

    internal static string? MembershipOf(Pdu pdu) =>
        pdu.Type == AuthStateKeys.MemberType && pdu.Content["membership"] is JsonValue v && v.TryGetValue(out string? membership) ? membership : null;

    /// <summary>The event's <c>m.relates_to</c> parent, when it is well formed (relationships that are not are ignored).</summary>
    internal static EventRelation? RelationOf(Pdu pdu) =>
        pdu.Content["m.relates_to"] is JsonObject relatesTo
        && relatesTo["rel_type"] is JsonValue relType && relType.TryGetValue(out string? type) && type.Length is > 0 and <= 255
        && relatesTo["event_id"] is JsonValue parent && parent.TryGetValue(out string? parentId) && parentId.StartsWith('$') && parentId.Length <= 255
        && parentId != pdu.EventId
            ? new EventRelation(parentId, type)
            : null;

    private static string CreatorOf(Pdu create) =>
        !create.RoomVersion.Rules.CreatorIsCreateEventSender && create.Content["creator"] is JsonValue v && v.TryGetValue(out string? creator)
            ? creator
            : create.Sender;
}
