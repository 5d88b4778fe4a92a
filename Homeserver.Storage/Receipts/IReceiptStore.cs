namespace Homeserver.Storage.Receipts;

/// <summary>A user's receipt of one type (and thread; '' when unthreaded) in a room, at its stream position.</summary>
public sealed record ReceiptRecord(string RoomId, string ReceiptType, string UserId, string ThreadId, string EventId, long Ts, long StreamPosition);

/// <summary>Receipts on an increasing server-wide stream: each write replaces the previous receipt of its key.</summary>
public interface IReceiptStore
{
    /// <summary>Stores the receipt (its <see cref="ReceiptRecord.StreamPosition"/> is ignored) and returns its new position.</summary>
    Task<long> SetAsync(ReceiptRecord receipt, CancellationToken cancellationToken);

    /// <summary>Receipts of these rooms written with position in (after, upTo], oldest first.</summary>
    Task<IReadOnlyList<ReceiptRecord>> GetChangedAsync(IReadOnlyCollection<string> roomIds, long afterExclusive, long upToInclusive,
        CancellationToken cancellationToken);

    /// <summary>The last position handed out and committed (0 before the first receipt).</summary>
    Task<long> GetCurrentPositionAsync(CancellationToken cancellationToken);
}
