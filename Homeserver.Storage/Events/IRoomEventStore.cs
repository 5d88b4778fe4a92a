namespace Homeserver.Storage.Events;

/// <summary>
/// The room event graph: events with their edges, forward extremities, state snapshots, current
/// state, the membership index, room metadata and client transaction ids. Writes go only through
/// <see cref="PersistAsync"/>, one room at a time, enforced by the database (an advisory or row
/// lock on PostgreSQL, the single writer on SQLite) so several processes can share a database.
/// </summary>
public interface IRoomEventStore
{
    /// <summary>Writes the batch atomically; see <see cref="RoomEventBatch"/> for the optimistic check.</summary>
    Task<IReadOnlyList<PersistedEvent>> PersistAsync(RoomEventBatch batch, CancellationToken cancellationToken);

    /// <summary>Writes events we hold outside the room graph (auth chains of a join, for example); already known ids are skipped.</summary>
    Task PersistOutliersAsync(IReadOnlyList<EventToPersist> events, CancellationToken cancellationToken);

    Task<EventRecord?> GetEventAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>The stored events among <paramref name="eventIds"/> (unknown ids are left out), in any order.</summary>
    Task<IReadOnlyList<EventRecord>> GetEventsAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken);

    /// <summary>The ids among <paramref name="eventIds"/> that are not stored.</summary>
    Task<IReadOnlySet<string>> GetMissingEventIdsAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> GetForwardExtremitiesAsync(string roomId, CancellationToken cancellationToken);

    /// <summary>
    /// The auth chain of the given events: every event reachable through auth_events edges,
    /// the given events themselves excluded unless reachable from another. One query, not one per event.
    /// </summary>
    Task<IReadOnlySet<string>> GetAuthChainAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken);

    /// <summary>The state before a stored non-outlier event; null for unknown events and outliers.</summary>
    Task<StateMap?> GetStateBeforeAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>The state after a stored non-outlier event (before, plus the event if it is an accepted state event).</summary>
    Task<StateMap?> GetStateAfterAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>The room's current state (empty for an unknown room).</summary>
    Task<StateMap> GetCurrentStateAsync(string roomId, CancellationToken cancellationToken);

    /// <summary>
    /// The state before each of the given stored non-outlier events, by event id (unknown events and outliers are absent);
    /// a batch in one read of the events' state groups.
    /// </summary>
    async Task<IReadOnlyDictionary<string, StateMap>> GetStatesBeforeAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, StateMap>(StringComparer.Ordinal);
        foreach (var eventId in eventIds.Distinct(StringComparer.Ordinal))
            if (await GetStateBeforeAsync(eventId, cancellationToken).ConfigureAwait(false) is { } state)
                states[eventId] = state;
        return states;
    }

    /// <summary>The current state of each of the rooms, by room id (empty for an unknown room); a batch in one read when cached.</summary>
    async Task<IReadOnlyDictionary<string, StateMap>> GetCurrentStatesAsync(IReadOnlyCollection<string> roomIds, CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, StateMap>(StringComparer.Ordinal);
        foreach (var roomId in roomIds.Distinct(StringComparer.Ordinal))
            states[roomId] = await GetCurrentStateAsync(roomId, cancellationToken).ConfigureAwait(false);
        return states;
    }

    /// <summary>One entry of the current state, without reading the whole state.</summary>
    Task<string?> GetCurrentStateEventIdAsync(string roomId, string type, string stateKey, CancellationToken cancellationToken);

    Task<RoomRecord?> GetRoomAsync(string roomId, CancellationToken cancellationToken);

    /// <summary>The user's rooms whose current membership is <paramref name="membership"/> (join, invite, leave, ban, knock).</summary>
    Task<IReadOnlyList<string>> GetRoomsForUserAsync(string userId, string membership, CancellationToken cancellationToken);

    /// <summary>The users whose current membership of the room is <paramref name="membership"/>, from the membership index.</summary>
    Task<IReadOnlyList<string>> GetUsersInRoomAsync(string roomId, string membership, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="GetUsersInRoomAsync"/> for several rooms in one read: the users of each room whose current membership is
    /// <paramref name="membership"/>, ordered, by room id (rooms without such users are absent).
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetUsersInRoomsAsync(IReadOnlyCollection<string> roomIds, string membership,
        CancellationToken cancellationToken);

    /// <summary>
    /// The current membership (join, invite, leave, ban, knock) of each (room, user) pair that has one, from the membership
    /// index, in one read; pairs without a membership are absent.
    /// </summary>
    Task<IReadOnlyDictionary<(string RoomId, string UserId), string>> GetMembershipsAsync(IReadOnlyCollection<(string RoomId, string UserId)> members,
        CancellationToken cancellationToken);

    /// <summary>Those of <paramref name="userIds"/> whose current membership of at least one of <paramref name="roomIds"/> is join, in one read.</summary>
    Task<IReadOnlySet<string>> GetUsersJoinedToAnyAsync(IReadOnlyCollection<string> userIds, IReadOnlyCollection<string> roomIds,
        CancellationToken cancellationToken);

    /// <summary>The event a client transaction produced, if any.</summary>
    Task<string?> GetEventIdForTransactionAsync(ClientTransactionKey key, CancellationToken cancellationToken);

    /// <summary>The events the given client transactions produced, for those that did (a batch's keys in one read).</summary>
    async Task<IReadOnlyDictionary<ClientTransactionKey, string>> GetEventIdsForTransactionsAsync(IReadOnlyCollection<ClientTransactionKey> keys,
        CancellationToken cancellationToken)
    {
        var found = new Dictionary<ClientTransactionKey, string>();
        foreach (var key in keys)
            if (await GetEventIdForTransactionAsync(key, cancellationToken).ConfigureAwait(false) is { } eventId)
                found[key] = eventId;
        return found;
    }

    /// <summary>The highest stream position of a committed room event (0 when there is none).</summary>
    Task<long> GetMaxStreamOrderingAsync(CancellationToken cancellationToken);
}
