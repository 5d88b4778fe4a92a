namespace Homeserver.Federation.Rooms;

/// <summary>What the pipeline did with an event.</summary>
public enum RoomEventOutcome
{
    /// <summary>Stored, part of the room's graph and served to clients.</summary>
    Accepted,
    /// <summary>Stored and in the graph, but it fails auth against the current state: not served, not a forward extremity.</summary>
    SoftFailed,
    /// <summary>Fails the auth rules. A remote event is stored as rejected (never in state); a local one is not stored.</summary>
    Rejected,
    /// <summary>Invalid format, or a required signature is missing or wrong: not stored.</summary>
    Dropped,
    /// <summary>
    /// Cannot be processed yet: prev or auth events (or the room) are unknown here. Not stored;
    /// the caller may fetch what is missing and submit again.
    /// </summary>
    MissingEvents,
    /// <summary>A received event that was already stored; nothing changed.</summary>
    AlreadyKnown,
}

/// <summary>
/// The pipeline's verdict on one event. For a rejection, <see cref="Rule"/> names the auth rule
/// and <see cref="Reason"/> says why (the Client-Server API answers 403 M_FORBIDDEN with it).
/// </summary>
public sealed record RoomEventResult(RoomEventOutcome Outcome, string? EventId, long? StreamOrdering = null, string? Rule = null,
    string? Reason = null)
{
    /// <summary>
    /// Stored and served. A retried client transaction is Accepted too, with the original event.
    /// </summary>
    public bool IsAccepted => Outcome == RoomEventOutcome.Accepted;

    public static RoomEventResult Accepted(string eventId, long? streamOrdering) => new(RoomEventOutcome.Accepted, eventId, streamOrdering);
    public static RoomEventResult Rejected(string eventId, string? rule, string? reason) => new(RoomEventOutcome.Rejected, eventId, null, rule, reason);
    public static RoomEventResult Dropped(string? eventId, string reason) => new(RoomEventOutcome.Dropped, eventId, Reason: reason);
    public static RoomEventResult Missing(string? eventId, string reason) => new(RoomEventOutcome.MissingEvents, eventId, Reason: reason);
}
