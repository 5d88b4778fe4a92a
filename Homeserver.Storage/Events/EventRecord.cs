namespace Homeserver.Storage.Events;

/// <summary>
/// A stored room event. <see cref="StreamOrdering"/> is null for outliers (events we hold
/// without their place in the room's graph, such as auth events of a join); otherwise it is
/// the event's position in the server-wide stream of room events, increasing in persist order.
/// </summary>
public sealed record EventRecord(
    string EventId,
    string RoomId,
    string Type,
    string? StateKey,
    string Sender,
    long Depth,
    long OriginServerTs,
    long? StreamOrdering,
    bool IsOutlier,
    string? RejectionReason,
    bool IsSoftFailed,
    string? Redacts,
    /// <summary>The event as canonical JSON (UTF-8), as received or built; for v3+ without event_id.</summary>
    byte[] Json)
{
    public bool IsRejected => RejectionReason is not null;
    public bool IsState => StateKey is not null;
}
