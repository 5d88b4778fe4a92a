using Homeserver.Storage.Events;

namespace Homeserver.Tests.Rooms;

/// <summary>
/// The <see cref="IRoomEventStore"/> contract held in memory, for testing the pipeline's logic apart
/// from SQL: one lock stands for the database's room write lock, and the optimistic extremity check
/// throws <see cref="RoomChangedException"/> as the real stores do. The same tests also run on them.
/// </summary>
internal sealed class InMemoryRoomEventStore : IRoomEventStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, EventRecord> _events = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> _authEdges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StateMap> _stateBefore = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RoomRecord> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _extremities = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StateMap> _currentState = new(StringComparer.Ordinal);
    private readonly Dictionary<ClientTransactionKey, string> _transactions = new();
    private long _stream;

    /// <summary>How many batches were refused because the room changed.</summary>
    public int RoomChangedCount { get; private set; }

    /// <summary>Runs (once) before the next write, as another writer that gets there first would.</summary>
    public Func<Task>? BeforeNextPersist { get; set; }

    public async Task<IReadOnlyList<PersistedEvent>> PersistAsync(RoomEventBatch batch, CancellationToken cancellationToken)
    {
        if (BeforeNextPersist is { } interfere)
        {
            BeforeNextPersist = null;
            await interfere();
        }
        return Persist(batch);
    }

    private IReadOnlyList<PersistedEvent> Persist(RoomEventBatch batch)
    {
        lock (_lock)
        {
            var current = _extremities.GetValueOrDefault(batch.RoomId) ?? [];
            if (!current.ToHashSet().SetEquals(batch.ExpectedForwardExtremities) || (batch.NewRoom is not null && _rooms.ContainsKey(batch.RoomId))
                || (batch.AssumedNew ?? []).Any(_events.ContainsKey))
            {
                RoomChangedCount++;
                throw new RoomChangedException(batch.RoomId);
            }
            var persisted = new List<PersistedEvent>();
            foreach (var ev in batch.Events)
            {
                if (ev.IsOutlier)
                {
                    if (!_events.ContainsKey(ev.EventId)) Store(ev, null);
                    persisted.Add(new PersistedEvent(ev.EventId, null));
                    continue;
                }
                if (ev.StateBefore is null) throw new ArgumentException("a non-outlier needs its state before");
                if (ev.ClientTransaction is { } key && !_transactions.TryAdd(key, ev.EventId))
                    throw new InvalidOperationException("duplicate client transaction");
                var ordering = ++_stream;
                Store(ev, ordering);
                _stateBefore[ev.EventId] = new StateMap(ev.StateBefore);
                persisted.Add(new PersistedEvent(ev.EventId, ordering));
            }
            if (batch.NewRoom is { } room)
                _rooms[batch.RoomId] = new RoomRecord(batch.RoomId, room.RoomVersion, room.CreatorUserId, room.CreateEventId);
            _extremities[batch.RoomId] = [.. batch.NewForwardExtremities];
            if (batch.NewCurrentState is not null) _currentState[batch.RoomId] = new StateMap(batch.NewCurrentState);
            return persisted;
        }
    }

    public Task PersistOutliersAsync(IReadOnlyList<EventToPersist> events, CancellationToken cancellationToken)
    {
        lock (_lock)
            foreach (var ev in events)
                if (!_events.ContainsKey(ev.EventId))
                    Store(ev, null);
        return Task.CompletedTask;
    }

    private void Store(EventToPersist ev, long? ordering)
    {
        _events[ev.EventId] = new EventRecord(ev.EventId, ev.RoomId, ev.Type, ev.StateKey, ev.Sender, ev.Depth, ev.OriginServerTs, ordering,
            ev.IsOutlier, ev.RejectionReason, ev.IsSoftFailed, ev.Redacts, ev.Json);
        _authEdges[ev.EventId] = ev.AuthEvents;
    }

    public Task<EventRecord?> GetEventAsync(string eventId, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_events.GetValueOrDefault(eventId));
    }

    public Task<IReadOnlyList<EventRecord>> GetEventsAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<EventRecord>>(eventIds.Distinct().Where(_events.ContainsKey).Select(id => _events[id]).ToList());
    }

    public Task<IReadOnlySet<string>> GetMissingEventIdsAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult<IReadOnlySet<string>>(eventIds.Where(id => !_events.ContainsKey(id)).ToHashSet());
    }

    public Task<IReadOnlyList<string>> GetForwardExtremitiesAsync(string roomId, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult<IReadOnlyList<string>>([.. _extremities.GetValueOrDefault(roomId) ?? []]);
    }

    public Task<IReadOnlySet<string>> GetAuthChainAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var chain = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>(eventIds.SelectMany(id => _authEdges.GetValueOrDefault(id) ?? []));
            while (pending.Count > 0)
            {
                var id = pending.Pop();
                if (chain.Add(id))
                    foreach (var next in _authEdges.GetValueOrDefault(id) ?? []) pending.Push(next);
            }
            return Task.FromResult<IReadOnlySet<string>>(chain);
        }
    }

    public Task<StateMap?> GetStateBeforeAsync(string eventId, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_stateBefore.TryGetValue(eventId, out var state) ? new StateMap(state) : null);
    }

    public Task<StateMap?> GetStateAfterAsync(string eventId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_stateBefore.TryGetValue(eventId, out var before)) return Task.FromResult<StateMap?>(null);
            var after = new StateMap(before);
            var ev = _events[eventId];
            if (ev.StateKey is not null && !ev.IsRejected) after[(ev.Type, ev.StateKey)] = ev.EventId;
            return Task.FromResult<StateMap?>(after);
        }
    }

    public Task<StateMap> GetCurrentStateAsync(string roomId, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_currentState.TryGetValue(roomId, out var state) ? new StateMap(state) : new StateMap());
    }

    public Task<string?> GetCurrentStateEventIdAsync(string roomId, string type, string stateKey, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_currentState.GetValueOrDefault(roomId)?.GetValueOrDefault((type, stateKey)));
    }

    public Task<RoomRecord?> GetRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_rooms.GetValueOrDefault(roomId));
    }

    public Task<IReadOnlyList<string>> GetRoomsForUserAsync(string userId, string membership, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var rooms = _currentState
                .Where(room => room.Value.TryGetValue(("m.room.member", userId), out var id) && MembershipOf(id) == membership)
                .Select(room => room.Key).ToList();
            return Task.FromResult<IReadOnlyList<string>>(rooms);
        }
    }

    public Task<IReadOnlyList<string>> GetUsersInRoomAsync(string roomId, string membership, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var users = _currentState.TryGetValue(roomId, out var state)
                ? state.Where(e => e.Key.Type == "m.room.member" && MembershipOf(e.Value) == membership).Select(e => e.Key.StateKey)
                    .Order(StringComparer.Ordinal).ToList()
                : [];
            return Task.FromResult<IReadOnlyList<string>>(users);
        }
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetUsersInRoomsAsync(IReadOnlyCollection<string> roomIds, string membership,
        CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var roomId in roomIds.Distinct(StringComparer.Ordinal))
            if (await GetUsersInRoomAsync(roomId, membership, cancellationToken) is { Count: > 0 } users)
                result[roomId] = users;
        return result;
    }

    public Task<IReadOnlyDictionary<(string RoomId, string UserId), string>> GetMembershipsAsync(
        IReadOnlyCollection<(string RoomId, string UserId)> members, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var result = new Dictionary<(string RoomId, string UserId), string>();
            foreach (var member in members)
                if (_currentState.TryGetValue(member.RoomId, out var state) && state.TryGetValue(("m.room.member", member.UserId), out var id)
                    && MembershipOf(id) is { } membership)
                    result[member] = membership;
            return Task.FromResult<IReadOnlyDictionary<(string RoomId, string UserId), string>>(result);
        }
    }

    public async Task<IReadOnlySet<string>> GetUsersJoinedToAnyAsync(IReadOnlyCollection<string> userIds, IReadOnlyCollection<string> roomIds,
        CancellationToken cancellationToken)
    {
        var joined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var userId in userIds)
            if ((await GetRoomsForUserAsync(userId, "join", cancellationToken)).Intersect(roomIds, StringComparer.Ordinal).Any())
                joined.Add(userId);
        return joined;
    }

    private string? MembershipOf(string eventId)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(_events[eventId].Json)!;
        return json["content"]?["membership"]?.GetValue<string>();
    }

    public Task<string?> GetEventIdForTransactionAsync(ClientTransactionKey key, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_transactions.GetValueOrDefault(key));
    }

    public Task<long> GetMaxStreamOrderingAsync(CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_stream);
    }
}
