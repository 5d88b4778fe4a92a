using Homeserver.Storage.Events;

namespace Homeserver.Sync;

/// <summary>
/// What <see cref="ClientEventWriter"/> reads about events, read once for the events of many rooms: the redactions of
/// <see cref="EventIds"/>, the requesting device's transaction ids among them, and those with related events (the others
/// have no bundled aggregations). Applies only to records that are all among <see cref="EventIds"/>.
/// </summary>
public sealed record FormatPrefetch(IReadOnlySet<string> EventIds, ILookup<string, EventRecord> Redactions,
    IReadOnlyDictionary<string, string> TransactionIds, IReadOnlySet<string> ParentsWithChildren)
{
    public bool Covers(IReadOnlyList<EventRecord> records) => records.All(r => EventIds.Contains(r.EventId));

    /// <summary>The redactions of the records, in stream order (as the store gives them).</summary>
    public IReadOnlyList<EventRecord> RedactionsOf(IReadOnlyList<EventRecord> records) =>
        [.. records.SelectMany(r => Redactions[r.EventId]).DistinctBy(r => r.EventId).OrderBy(r => r.StreamOrdering ?? long.MinValue)];

    /// <summary>Reads it for the given records of any rooms: three statements at most.</summary>
    public static async Task<FormatPrefetch> ReadAsync(IRoomTimelineStore timeline, IRoomRelationStore relations, IReadOnlyCollection<EventRecord> records,
        string userId, string? deviceId, CancellationToken cancellationToken)
    {
        var ids = records.Select(r => r.EventId).ToHashSet(StringComparer.Ordinal);
        var own = records.Where(r => r.Sender == userId).Select(r => r.EventId).Distinct(StringComparer.Ordinal).ToList();
        var parents = records.Where(r => !r.IsState && !r.IsRejected).Select(r => r.EventId).Distinct(StringComparer.Ordinal).ToList();
        var redactionsRead = ids.Count == 0 ? Task.FromResult<IReadOnlyList<EventRecord>>([]) : timeline.GetRedactionsOfAsync(ids, cancellationToken);
        var transactionIdsRead = deviceId is null || own.Count == 0
            ? Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>())
            : timeline.GetTransactionIdsAsync(userId, deviceId, own, cancellationToken);
        var parentsRead = parents.Count == 0
            ? Task.FromResult<IReadOnlySet<string>>(new HashSet<string>())
            : relations.GetParentsWithChildrenAsync(parents, cancellationToken);
        await Task.WhenAll(redactionsRead, transactionIdsRead, parentsRead);
        return new FormatPrefetch(ids, redactionsRead.Result.Where(r => r.Redacts is not null).ToLookup(r => r.Redacts!, StringComparer.Ordinal),
            transactionIdsRead.Result, parentsRead.Result);
    }
}
