namespace Homeserver.Storage.Search;

/// <summary>The full-text index of room events and the position up to which it is filled.</summary>
public interface IEventSearchStore
{
    /// <summary>The events stream position up to which events have been indexed.</summary>
    Task<long> GetIndexedPositionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Served events (not rejected or soft-failed) in the stream range (after, upTo] whose type is one of
    /// <paramref name="types"/>, and every redaction in it, in stream order.
    /// </summary>
    Task<IReadOnlyList<IndexableEvent>> GetEventsToIndexAsync(long afterExclusive, long upToInclusive, IReadOnlyCollection<string> types,
        CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: adds the entries (an event already indexed is kept), removes the entries of the
    /// redacted events, and advances the indexed position to <paramref name="position"/> (never backwards).
    /// </summary>
    Task IndexAsync(IReadOnlyList<SearchEntry> entries, IReadOnlyCollection<string> redactedEventIds, long position,
        CancellationToken cancellationToken);

    /// <summary>The matches of the query, in its order.</summary>
    Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken cancellationToken);

    /// <summary>How many entries match the query's terms, rooms, keys and position bound (offset and limit ignored).</summary>
    Task<long> CountAsync(SearchQuery query, CancellationToken cancellationToken);
}
