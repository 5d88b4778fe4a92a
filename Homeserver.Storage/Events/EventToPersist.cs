namespace Homeserver.Storage.Events;

/// <summary>
/// One event to write, with everything the room pipeline has decided about it. The store
/// writes it, its prev/auth edges and (for non-outliers) its state snapshots in one transaction.
/// </summary>
public sealed record EventToPersist(
    string EventId,
    string RoomId,
    string Type,
    string? StateKey,
    string Sender,
    long Depth,
    long OriginServerTs,
    byte[] Json,
    IReadOnlyList<string> PrevEvents,
    IReadOnlyList<string> AuthEvents,
    string? Redacts,
    bool IsOutlier,
    string? RejectionReason,
    bool IsSoftFailed,
    /// <summary>
    /// The state before the event (from state resolution over its prev events); required for
    /// non-outliers, null for outliers. The state after is this plus the event itself when it is
    /// an accepted state event.
    /// </summary>
    StateMap? StateBefore,
    /// <summary>For m.room.member events: <c>content.membership</c>, which feeds the membership index.</summary>
    string? Membership = null,
    /// <summary>For events a local client sent with a transaction id: the durable (user, device, txnId) key.</summary>
    ClientTransactionKey? ClientTransaction = null,
    /// <summary>The parent this event relates to (<c>content.m.relates_to</c>), when it names one with a <c>rel_type</c>.</summary>
    EventRelation? Relation = null);

/// <summary>A child event's link to its parent: the parent's id and the relationship type (<c>m.thread</c>, <c>m.replace</c>, ...).</summary>
public sealed record EventRelation(string ParentEventId, string RelationType);

/// <summary>A client's idempotency key for PUT /send and state requests.</summary>
public sealed record ClientTransactionKey(string UserId, string DeviceId, string TransactionId);
