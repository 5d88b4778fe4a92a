namespace Homeserver.Storage.Events;

/// <summary>
/// Older history of a room fetched from other servers (backfill). Backfilled events take negative
/// stream orderings from a descending counter, so they sort before all history already held and
/// never count as new for <c>/sync</c>; they change neither forward extremities nor current state.
/// </summary>
public interface IRoomBackfillStore
{
    /// <summary>
    /// Writes backfilled events of one room, given oldest first (an event's prev events before it):
    /// timeline events get stream orderings below every stored one, ascending in the given order;
    /// outliers get none. Events already in the timeline are skipped; outliers among them are placed
    /// in the timeline. The room must exist.
    /// </summary>
    Task<IReadOnlyList<PersistedEvent>> PersistBackfilledAsync(string roomId, IReadOnlyList<EventToPersist> events,
        CancellationToken cancellationToken);

    /// <summary>
    /// The room's backward extremities: prev events of its timeline events that are not in the
    /// timeline here (unknown, or only outliers), oldest children first; empty when the room's
    /// create event is in the timeline (the whole history is held).
    /// </summary>
    Task<IReadOnlyList<string>> GetBackwardExtremitiesAsync(string roomId, int limit, CancellationToken cancellationToken);
}
