namespace Homeserver.Storage.Federation;

/// <summary>
/// The durable outbound federation queue: per destination, the PDUs (by event id) and EDUs waiting to
/// be sent, in order. Items leave the queue only when a transaction carrying them succeeded, so a
/// restart resumes where the sender stopped.
/// </summary>
public interface IFederationOutboxStore
{
    /// <summary>Queues the events, in the given order, for each destination; an event already queued for a destination is not queued again.</summary>
    Task AddPdusAsync(IReadOnlyCollection<string> destinations, IReadOnlyList<string> eventIds, CancellationToken cancellationToken);

    /// <summary>
    /// Queues an EDU for a destination. With a <paramref name="coalesceKey"/>, a waiting EDU of the same
    /// type and key is replaced: <paramref name="content"/> gets its content (null when there is none)
    /// and returns the content to queue, at the end of the queue.
    /// </summary>
    Task AddEduAsync(string destination, string eduType, string? coalesceKey, Func<string?, string> content, CancellationToken cancellationToken);

    /// <summary>The oldest waiting PDUs and EDUs of a destination, at most the given numbers of each.</summary>
    Task<OutboxBatch> PeekAsync(string destination, int maxPdus, int maxEdus, CancellationToken cancellationToken);

    /// <summary>Removes sent items by queue id (ids no longer queued are ignored).</summary>
    Task RemoveAsync(string destination, IReadOnlyCollection<long> pduQueueIds, IReadOnlyCollection<long> eduQueueIds,
        CancellationToken cancellationToken);

    /// <summary>
    /// Drops a destination's oldest waiting PDUs beyond the newest <paramref name="keepNewest"/>; returns how many went.
    /// The destination fetches what it misses with <c>get_missing_events</c> once it is back.
    /// </summary>
    Task<int> TrimPdusAsync(string destination, int keepNewest, CancellationToken cancellationToken);

    /// <summary>The destinations with anything waiting, sorted.</summary>
    Task<IReadOnlyList<string>> GetDestinationsWithPendingAsync(CancellationToken cancellationToken);
}
