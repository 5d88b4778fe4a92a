using Homeserver.Storage.Events;

namespace Homeserver.Sync;

/// <summary>
/// Wakes the waiting syncs a presence change concerns, and only those: presence is visible to users who share a
/// joined room with the changed user, and their syncs wait on their rooms, so the changed user's joined rooms are
/// signalled. (Waking every waiting sync made each presence change rebuild every long-poll on the server.)
/// </summary>
public sealed partial class PresenceWakeups
{
    private readonly SyncWakeups _wakeups;
    private readonly Func<string, CancellationToken, Task<IReadOnlyList<string>>> _joinedRooms;
    private readonly ILogger _logger;

    [ActivatorUtilitiesConstructor]
    public PresenceWakeups(SyncWakeups wakeups, IRoomEventStore events, ILogger<PresenceWakeups> logger)
        : this(wakeups, (userId, cancellationToken) => events.GetRoomsForUserAsync(userId, "join", cancellationToken), logger)
    {
    }

    /// <param name="joinedRooms">The rooms a user is joined to now.</param>
    public PresenceWakeups(SyncWakeups wakeups, Func<string, CancellationToken, Task<IReadOnlyList<string>>> joinedRooms, ILogger logger)
    {
        _wakeups = wakeups;
        _joinedRooms = joinedRooms;
        _logger = logger;
    }

    /// <summary>Signals the user's joined rooms; never throws (when they cannot be read, every waiting sync is woken instead).</summary>
    public async Task SignalAsync(string userId)
    {
        try
        {
            _wakeups.SignalRooms(await _joinedRooms(userId, CancellationToken.None));
        }
        catch (Exception e)
        {
            LogFailed(e, userId);
            _wakeups.SignalAll();
        }
    }

    [LoggerMessage(EventId = 5200, Level = LogLevel.Warning, Message = "Reading the rooms of {UserId} for a presence change failed; every waiting sync is woken")]
    private partial void LogFailed(Exception exception, string userId);
}
