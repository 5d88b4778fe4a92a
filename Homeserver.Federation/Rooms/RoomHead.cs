using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;
using Homeserver.Federation.StateResolution;
using Homeserver.Storage.Events;

namespace Homeserver.Federation.Rooms;

/// <summary>
/// A room as one batch sees it while the batch is computed: the stored head (forward extremities,
/// current state) read at the start, advanced in memory by each event of the batch. Events and
/// states of the batch are found here before they are stored.
/// </summary>
internal sealed class RoomHead
{
    private readonly IRoomEventStore _store;
    private readonly StoredPduLoader _loader;
    private readonly Dictionary<string, StoredPdu> _batchEvents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyDictionary<TypeStateKey, string>> _afterStates = new(StringComparer.Ordinal);
    private readonly Dictionary<IReadOnlyDictionary<TypeStateKey, string>, StateMap> _storageForms = new(ReferenceEqualityComparer.Instance);

    private RoomHead(IRoomEventStore store, StoredPduLoader loader, string roomId, RoomRecord? room,
        IReadOnlyList<string> extremities, IReadOnlyDictionary<TypeStateKey, string> currentState)
    {
        _store = store;
        _loader = loader;
        RoomId = roomId;
        Room = room;
        Version = room is null ? null : RoomVersionRegistry.Find(room.RoomVersion)
            ?? throw new InvalidOperationException($"room {roomId} has unsupported room version {room.RoomVersion}");
        StoredExtremities = extremities;
        Extremities = extremities;
        CurrentState = currentState;
    }

    public string RoomId { get; }
    /// <summary>The stored room, or null before its create event is stored.</summary>
    public RoomRecord? Room { get; }
    /// <summary>The room version: the stored room's, or the version of a create event of this batch.</summary>
    public RoomVersion? Version { get; private set; }
    /// <summary>The create event of this batch, when the batch creates the room.</summary>
    public Pdu? NewCreateEvent { get; private set; }
    public IReadOnlyList<string> StoredExtremities { get; }
    public IReadOnlyList<string> Extremities { get; private set; }
    public IReadOnlyDictionary<TypeStateKey, string> CurrentState { get; private set; }
    public bool CurrentStateChanged { get; private set; }
    public bool Exists => Version is not null;

    /// <summary>
    /// Taken from what this process remembered of the room after its last write instead of read from the store
    /// (the store's check of the forward extremities at persist time tells whether it is still right).
    /// </summary>
    public bool IsRemembered { get; private init; }

    /// <summary>The room as stored, or as <paramref name="remembered"/> when given and the room exists.</summary>
    public static async Task<RoomHead> LoadAsync(IRoomEventStore store, StoredPduLoader loader, string roomId, KnownRoomHeads.Head? remembered,
        CancellationToken ct)
    {
        var room = await store.GetRoomAsync(roomId, ct).ConfigureAwait(false);
        if (room is null) return new RoomHead(store, loader, roomId, null, [], new Dictionary<TypeStateKey, string>());
        if (remembered is not null)
            return new RoomHead(store, loader, roomId, room, remembered.Extremities, remembered.CurrentState) { IsRemembered = true };
        var extremities = await store.GetForwardExtremitiesAsync(roomId, ct).ConfigureAwait(false);
        var current = StateMaps.FromStorage(await store.GetCurrentStateAsync(roomId, ct).ConfigureAwait(false));
        return new RoomHead(store, loader, roomId, room, extremities, current);
    }

    public bool InBatch(string eventId) => _batchEvents.ContainsKey(eventId);

    /// <summary>Checked outliers of this batch (a remote state and auth chain), found by <see cref="GetEventsAsync"/> from now on.</summary>
    public void AddOutlier(StoredPdu outlier) => _batchEvents[outlier.Pdu.EventId] = outlier;

    /// <summary>
    /// Makes a room that is not stored here exist in this batch from another server's state (a join of a
    /// remote room): its version and create event, and the state as the current state to build on.
    /// </summary>
    public void AdoptRemoteRoom(Pdu create, IReadOnlyDictionary<TypeStateKey, string> state)
    {
        if (Exists) throw new InvalidOperationException($"room {RoomId} already exists here");
        Version = create.RoomVersion;
        NewCreateEvent = create;
        CurrentState = state;
    }

    /// <summary>The adopted room's current state, once its remote state has been checked.</summary>
    public void ReplaceAdoptedState(IReadOnlyDictionary<TypeStateKey, string> state)
    {
        if (Room is not null || NewCreateEvent is null) throw new InvalidOperationException($"room {RoomId} was not adopted");
        CurrentState = state;
    }

    /// <summary>Events of this batch or the store, by id; unknown ids are left out.</summary>
    public async Task<Dictionary<string, StoredPdu>> GetEventsAsync(IEnumerable<string> eventIds, CancellationToken ct)
    {
        var found = new Dictionary<string, StoredPdu>(StringComparer.Ordinal);
        var rest = new List<string>();
        foreach (var id in eventIds)
        {
            if (_batchEvents.TryGetValue(id, out var inBatch)) found[id] = inBatch;
            else rest.Add(id);
        }
        if (rest.Count > 0)
            foreach (var (id, stored) in await _loader.LoadAsync(rest, Version!, ct).ConfigureAwait(false))
                found[id] = stored;
        return found;
    }

    /// <summary>The room's create event (of this batch or stored); null when the room does not exist yet.</summary>
    public async Task<Pdu?> GetCreateEventAsync(CancellationToken ct)
    {
        if (NewCreateEvent is not null) return NewCreateEvent;
        if (Room is null) return null;
        var found = await GetEventsAsync([Room.CreateEventId], ct).ConfigureAwait(false);
        return found.GetValueOrDefault(Room.CreateEventId)?.Pdu;
    }

    /// <summary>The state entries at <paramref name="keys"/> of <paramref name="state"/>, as events.</summary>
    public async Task<Dictionary<TypeStateKey, Pdu>> StateEventsAsync(IReadOnlyDictionary<TypeStateKey, string> state,
        IEnumerable<TypeStateKey> keys, CancellationToken ct)
    {
        var ids = new Dictionary<TypeStateKey, string>();
        foreach (var key in keys)
            if (state.TryGetValue(key, out var id)) ids[key] = id;
        var events = await GetEventsAsync(ids.Values, ct).ConfigureAwait(false);
        var result = new Dictionary<TypeStateKey, Pdu>();
        foreach (var (key, id) in ids)
            if (events.TryGetValue(id, out var stored)) result[key] = stored.Pdu;
        return result;
    }

    /// <summary>The state after an event of this batch or a stored non-outlier event; null when unknown.</summary>
    public async Task<IReadOnlyDictionary<TypeStateKey, string>?> GetStateAfterAsync(string eventId, CancellationToken ct)
    {
        if (_afterStates.TryGetValue(eventId, out var state)) return state;
        var stored = await _store.GetStateAfterAsync(eventId, ct).ConfigureAwait(false);
        if (stored is null) return null;
        var converted = StateMaps.FromStorage(stored);
        _afterStates[eventId] = converted;
        return converted;
    }

    /// <summary>
    /// Resolves state sets with the room version's algorithm. The events the resolution may read
    /// (every event of the sets and their auth chains) are loaded first, as it reads synchronously.
    /// </summary>
    public async Task<IReadOnlyDictionary<TypeStateKey, string>> ResolveAsync(IReadOnlyList<IReadOnlyDictionary<TypeStateKey, string>> stateSets,
        CancellationToken ct)
    {
        if (stateSets.Count == 0) return new Dictionary<TypeStateKey, string>();
        if (stateSets.All(s => StateMaps.AreEqual(s, stateSets[0]))) return stateSets[0];

        // Batch events are not in the store's auth chain index: walk their auth events here, and
        // hand the stored events they reach to one auth chain query.
        var events = new Dictionary<string, StoredPdu>(StringComparer.Ordinal);
        var storedRoots = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(stateSets.SelectMany(s => s.Values).Distinct(StringComparer.Ordinal));
        while (pending.Count > 0)
        {
            var id = pending.Pop();
            if (events.ContainsKey(id) || storedRoots.Contains(id)) continue;
            if (_batchEvents.TryGetValue(id, out var inBatch))
            {
                events[id] = inBatch;
                foreach (var authId in inBatch.Pdu.AuthEvents) pending.Push(authId);
            }
            else
            {
                storedRoots.Add(id);
            }
        }
        var chain = await _store.GetAuthChainAsync(storedRoots, ct).ConfigureAwait(false);
        foreach (var (id, stored) in await _loader.LoadAsync(storedRoots.Concat(chain), Version!, ct).ConfigureAwait(false))
            events[id] = stored;

        return StateResolver.Resolve(Version!, stateSets, id => events.GetValueOrDefault(id)?.Pdu, EventAuthorizer.Default.Check,
            id => events.GetValueOrDefault(id)?.IsRejected ?? false);
    }

    /// <summary>
    /// A state in storage's form. Events that change no state share one state object (a run of
    /// messages has one state before), so each object is converted once.
    /// </summary>
    public StateMap ToStorage(IReadOnlyDictionary<TypeStateKey, string> state)
    {
        if (!_storageForms.TryGetValue(state, out var converted))
        {
            converted = StateMaps.ToStorage(state);
            _storageForms[state] = converted;
        }
        return converted;
    }

    /// <summary>Takes a checked event of the batch into the head: its after-state, the extremities and the current state.</summary>
    public async Task ApplyAsync(Pdu ev, IReadOnlyDictionary<TypeStateKey, string> stateBefore, bool rejected, bool softFailed, CancellationToken ct)
    {
        if (ev.Type == AuthStateKeys.CreateType && ev.StateKey == "" && Version is null)
        {
            Version = ev.RoomVersion;
            NewCreateEvent = ev;
        }
        _batchEvents[ev.EventId] = new StoredPdu(ev, rejected, IsOutlier: false);
        var after = stateBefore;
        if (ev.IsState && !rejected)
        {
            var copy = new Dictionary<TypeStateKey, string>(stateBefore) { [ev.StateEntryKey] = ev.EventId };
            after = copy;
        }
        _afterStates[ev.EventId] = after;

        var extremities = ForwardExtremities.After(Extremities, ev, rejected, softFailed);
        if (ReferenceEquals(extremities, Extremities)) return;
        // A non-state event that continues one branch leaves that branch's state, so the states
        // being resolved, and the current state, are the same as before.
        var continuesBranch = !ev.IsState && ev.PrevEvents.Count == 1 && Extremities.Contains(ev.PrevEvents[0]);
        Extremities = extremities;
        if (continuesBranch) return;
        if (extremities.Count == 1)
        {
            CurrentState = after;
        }
        else
        {
            var states = new List<IReadOnlyDictionary<TypeStateKey, string>>(extremities.Count);
            foreach (var id in extremities)
                states.Add(await GetStateAfterAsync(id, ct).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"forward extremity {id} of room {RoomId} has no stored state"));
            CurrentState = await ResolveAsync(states, ct).ConfigureAwait(false);
        }
        CurrentStateChanged = true;
    }
}
