namespace Homeserver.Storage.Events;

/// <summary>A thread's aggregate: its reply count, its latest reply and whether the user replied in it.</summary>
public sealed record ThreadSummary(string RootEventId, long Count, string LatestEventId, long LatestStreamOrdering, bool UserParticipated);

/// <summary>
/// Reads of event relationships (<c>m.relates_to</c>). Like the timeline, only visible events are
/// considered (placed in the timeline, neither rejected nor soft-failed), and a child that was redacted
/// no longer counts: redacting a child breaks its relationship.
/// </summary>
public interface IRoomRelationStore
{
    /// <summary>
    /// Children of the parents in the room with stream ordering in (after, upTo], optionally only of one
    /// relationship type and event type: forwards the oldest <paramref name="limit"/>, backwards the newest.
    /// </summary>
    Task<IReadOnlyList<EventRecord>> GetChildrenAsync(string roomId, IReadOnlyCollection<string> parentIds, string? relationType,
        string? eventType, long afterExclusive, long upToInclusive, bool backwards, int limit, CancellationToken cancellationToken);

    /// <summary>Summaries of the threads rooted at the given events (roots without replies are absent).</summary>
    Task<IReadOnlyList<ThreadSummary>> GetThreadSummariesAsync(string roomId, IReadOnlyCollection<string> rootIds, string userId,
        CancellationToken cancellationToken);

    /// <summary>
    /// The room's threads whose latest reply is at or before <paramref name="upToInclusive"/>, most recent first;
    /// with <paramref name="participant"/>, only threads that user started or replied in.
    /// </summary>
    Task<IReadOnlyList<ThreadSummary>> GetThreadsAsync(string roomId, string? participant, long upToInclusive, int limit,
        CancellationToken cancellationToken);

    /// <summary>
    /// The latest valid replacement (<c>m.replace</c>) of each parent: sent by the parent's sender, of the same
    /// event type, by event id of the parent.
    /// </summary>
    Task<IReadOnlyDictionary<string, EventRecord>> GetLatestEditsAsync(string roomId, IReadOnlyCollection<string> parentIds,
        CancellationToken cancellationToken);

    /// <summary>The ids of the events that reference (<c>m.reference</c>) each parent, oldest first, at most <paramref name="limitPerParent"/>.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetReferencesAsync(string roomId, IReadOnlyCollection<string> parentIds,
        int limitPerParent, CancellationToken cancellationToken);

    /// <summary>
    /// The events among <paramref name="parentIds"/> that some visible, unredacted event relates to (of any relationship type,
    /// in any room): the others have no aggregation to read, so callers can skip them with one read for many rooms.
    /// </summary>
    Task<IReadOnlySet<string>> GetParentsWithChildrenAsync(IReadOnlyCollection<string> parentIds, CancellationToken cancellationToken);

    /// <summary>The relationship the event declares, when it is stored with one.</summary>
    Task<EventRelation?> GetRelationAsync(string eventId, CancellationToken cancellationToken);
}
