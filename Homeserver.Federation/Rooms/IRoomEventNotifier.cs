namespace Homeserver.Federation.Rooms;

/// <summary>
/// Events of one room that a committed transaction stored, the highest stream position among them, and the
/// users whose membership these events changed (so a sync waiting for an invite to a new room wakes), and whether
/// the room's current state changed (state resolution can change memberships without a member event in the batch).
/// <see cref="Senders"/>, when given, are the senders of <see cref="EventIds"/> in the same order (so a listener that only
/// cares for some senders' events need not read the events).
/// </summary>
public sealed record RoomEventsCommitted(string RoomId, IReadOnlyList<string> EventIds, long MaxStreamOrdering,
    IReadOnlyList<string>? MembershipUserIds = null, bool CurrentStateChanged = true, IReadOnlyList<string>? Senders = null);

/// <summary>
/// Tells waiters (sync, later) that room events were committed. In-process for one node; an
/// implementation over PostgreSQL LISTEN/NOTIFY can take its place when nodes share a database.
/// </summary>
public interface IRoomEventNotifier
{
    /// <summary>The highest stream position signalled so far (0 before any).</summary>
    long CurrentPosition { get; }

    /// <summary>Called by the pipeline after a transaction committed.</summary>
    void NotifyCommitted(RoomEventsCommitted committed);

    /// <summary>
    /// Waits until the position passes <paramref name="afterPosition"/> or the timeout ends, and
    /// returns the position then (equal to or below <paramref name="afterPosition"/> on timeout).
    /// </summary>
    Task<long> WaitForPositionAfterAsync(long afterPosition, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Raised after each commit, on the committing thread; handlers must be quick and must not throw.</summary>
    event Action<RoomEventsCommitted>? Committed;
}
