using Homeserver.Storage.Events;

namespace Homeserver.Federation.Rooms;

/// <summary>
/// Which servers take part in a room: those with at least one joined member in its current state.
/// They receive the room's new events and EDUs, and are asked for its history. Every event sent asks, so the
/// answer is kept per room until a commit changes the room's current state (reading all members of a large room
/// per message was most of a send's database reads).
/// </summary>
public sealed class RoomServers : IDisposable
{
    /// <summary>Rooms kept at most; the cache starts over beyond that.</summary>
    public const int MaxRoomsKept = 50_000;

    private readonly IRoomEventStore _store;
    private readonly ServerIdentity _identity;
    private readonly IRoomEventNotifier? _notifier;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, IReadOnlyList<string>> _joinedServers = new(StringComparer.Ordinal);

    /// <summary>How many commits changed a room's current state: an answer read across any of them is not kept.</summary>
    private long _stateChanges;

    public RoomServers(IRoomEventStore store, ServerIdentity identity, IRoomEventNotifier? notifier = null)
    {
        _store = store;
        _identity = identity;
        _notifier = notifier;
        if (_notifier is not null) _notifier.Committed += OnCommitted;
    }

    public void Dispose()
    {
        if (_notifier is not null) _notifier.Committed -= OnCommitted;
    }

    /// <summary>The servers of the room's joined members, this server included when it has one, sorted.</summary>
    public async Task<IReadOnlyList<string>> GetJoinedServersAsync(string roomId, CancellationToken cancellationToken)
    {
        long changes;
        lock (_lock)
        {
            if (_joinedServers.TryGetValue(roomId, out var known)) return known;
            changes = _stateChanges;
        }
        var users = await _store.GetUsersInRoomAsync(roomId, "join", cancellationToken).ConfigureAwait(false);
        var servers = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var user in users)
            if (ServerOf(user) is { } server) servers.Add(server);
        IReadOnlyList<string> answer = [.. servers];
        // Only an in-process notifier tells of every change; without one nothing is kept.
        if (_notifier is null) return answer;
        lock (_lock)
        {
            if (_stateChanges != changes) return answer;
            if (_joinedServers.Count >= MaxRoomsKept) _joinedServers.Clear();
            _joinedServers[roomId] = answer;
        }
        return answer;
    }

    private void OnCommitted(RoomEventsCommitted committed)
    {
        if (!committed.CurrentStateChanged) return;
        lock (_lock)
        {
            _joinedServers.Remove(committed.RoomId);
            _stateChanges++;
        }
    }

    /// <summary>The server part of a user id (after the first colon), or null when there is none.</summary>
    public static string? ServerOf(string userId)
    {
        var colon = userId.IndexOf(':');
        return colon > 0 && colon < userId.Length - 1 ? userId[(colon + 1)..] : null;
    }

    /// <summary>The other servers of the room (the destinations of what this server sends to it).</summary>
    public async Task<IReadOnlyList<string>> GetRemoteServersAsync(string roomId, CancellationToken cancellationToken) =>
        (await GetJoinedServersAsync(roomId, cancellationToken).ConfigureAwait(false)).Where(s => s != _identity.ServerName).ToList();

    /// <summary>Whether <paramref name="serverName"/> has a joined member in the room now.</summary>
    public async Task<bool> IsInRoomAsync(string roomId, string serverName, CancellationToken cancellationToken) =>
        (await GetJoinedServersAsync(roomId, cancellationToken).ConfigureAwait(false)).Contains(serverName, StringComparer.Ordinal);
}
