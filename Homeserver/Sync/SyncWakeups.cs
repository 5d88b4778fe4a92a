using Homeserver.Federation.Rooms;

namespace Homeserver.Sync;

/// <summary>
/// Wakes waiting syncs when something they read may have changed, and only those: a signal names a
/// user (account data, to-device messages, an invite) or a room (its events, typing, receipts), and a
/// waiting sync listens to its user and the rooms it is in. Presence changes wake everyone.
/// <para>
/// Every signal takes the next number of one sequence and records it per key. A sync takes
/// <see cref="BeginRead"/> before it reads; when its answer is empty it calls <see cref="Wait"/>,
/// which finds any signal for its keys since that ticket (a change during the read) and then returns
/// an already completed wait, so no change slips between reading and waiting.
/// </para>
/// </summary>
public sealed class SyncWakeups
{
    /// <summary>Above this many remembered keys, those older than every read in progress are forgotten.</summary>
    private const int PruneThreshold = 100_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _lastSignal = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Waiter>> _waiters = new(StringComparer.Ordinal);
    private readonly Dictionary<long, int> _readsInProgress = [];
    private long _sequence;
    private long _lastSignalToAll;

    public SyncWakeups(IRoomEventNotifier roomEvents)
    {
        roomEvents.Committed += committed =>
        {
            SignalRoom(committed.RoomId);
            foreach (var userId in committed.MembershipUserIds ?? [])
                SignalUser(userId);
        };
    }

    /// <summary>The number of syncs waiting now.</summary>
    public int WaitingCount
    {
        get
        {
            lock (_lock) return _waiters.Values.SelectMany(w => w).Distinct().Count();
        }
    }

    /// <summary>Marks the start of a read; pass the ticket to <see cref="Wait"/> or <see cref="EndRead"/>.</summary>
    public long BeginRead()
    {
        lock (_lock)
        {
            _readsInProgress[_sequence] = _readsInProgress.GetValueOrDefault(_sequence) + 1;
            return _sequence;
        }
    }

    /// <summary>Ends a read that will not wait.</summary>
    public void EndRead(long ticket)
    {
        lock (_lock) ForgetRead(ticket);
    }

    /// <summary>
    /// Ends the read of <paramref name="ticket"/> and waits for the next signal for the user or one of the
    /// rooms; completed at once when one came since the ticket. Dispose the result to stop waiting.
    /// </summary>
    public SyncWait Wait(long ticket, string userId, IEnumerable<string> roomIds)
    {
        var keys = roomIds.Select(RoomKey).Append(UserKey(userId)).Distinct(StringComparer.Ordinal).ToArray();
        var waiter = new Waiter(keys);
        lock (_lock)
        {
            ForgetRead(ticket);
            if (_lastSignalToAll > ticket || keys.Any(k => _lastSignal.GetValueOrDefault(k) > ticket))
            {
                waiter.Signal.TrySetResult();
                return new SyncWait(this, waiter);
            }
            foreach (var key in keys)
            {
                if (!_waiters.TryGetValue(key, out var list))
                    _waiters[key] = list = [];
                list.Add(waiter);
            }
        }
        return new SyncWait(this, waiter);
    }

    public void SignalUser(string userId) => Signal([UserKey(userId)]);

    public void SignalUsers(IEnumerable<string> userIds) => Signal([.. userIds.Select(UserKey)]);

    public void SignalRoom(string roomId) => Signal([RoomKey(roomId)]);

    public void SignalRooms(IEnumerable<string> roomIds) => Signal([.. roomIds.Select(RoomKey)]);

    /// <summary>Wakes every waiting sync (the fallback when the syncs a change concerns cannot be known).</summary>
    public void SignalAll()
    {
        List<Waiter> woken;
        lock (_lock)
        {
            _lastSignalToAll = ++_sequence;
            woken = [.. _waiters.Values.SelectMany(w => w).Distinct()];
            _waiters.Clear();
        }
        foreach (var waiter in woken) waiter.Signal.TrySetResult();
    }

    private void Signal(string[] keys)
    {
        List<Waiter>? woken = null;
        lock (_lock)
        {
            var position = ++_sequence;
            foreach (var key in keys)
            {
                _lastSignal[key] = position;
                if (_waiters.Remove(key, out var list))
                    (woken ??= []).AddRange(list);
            }
            if (woken is not null)
                foreach (var waiter in woken) RemoveWaiter(waiter);
            if (_lastSignal.Count > PruneThreshold) Prune();
        }
        if (woken is not null)
            foreach (var waiter in woken) waiter.Signal.TrySetResult();
    }

    private void Remove(Waiter waiter)
    {
        lock (_lock) RemoveWaiter(waiter);
    }

    private void RemoveWaiter(Waiter waiter)
    {
        foreach (var key in waiter.Keys)
            if (_waiters.TryGetValue(key, out var list) && list.Remove(waiter) && list.Count == 0)
                _waiters.Remove(key);
    }

    private void ForgetRead(long ticket)
    {
        if (_readsInProgress.TryGetValue(ticket, out var count))
        {
            if (count <= 1) _readsInProgress.Remove(ticket);
            else _readsInProgress[ticket] = count - 1;
        }
    }

    /// <summary>Signals at or before the oldest read in progress can no longer matter to anyone.</summary>
    private void Prune()
    {
        var oldest = _readsInProgress.Count == 0 ? _sequence : _readsInProgress.Keys.Min();
        foreach (var key in _lastSignal.Where(e => e.Value <= oldest).Select(e => e.Key).ToList())
            _lastSignal.Remove(key);
    }

    private static string UserKey(string userId) => "u" + userId;

    private static string RoomKey(string roomId) => "r" + roomId;

    internal sealed class Waiter(string[] keys)
    {
        public string[] Keys { get; } = keys;

        public TaskCompletionSource Signal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One sync's wait; disposing it unregisters the sync.</summary>
    public sealed class SyncWait : IDisposable
    {
        private readonly SyncWakeups _owner;
        private readonly Waiter _waiter;

        internal SyncWait(SyncWakeups owner, Waiter waiter)
        {
            _owner = owner;
            _waiter = waiter;
        }

        public Task Task => _waiter.Signal.Task;

        public void Dispose() => _owner.Remove(_waiter);
    }
}
