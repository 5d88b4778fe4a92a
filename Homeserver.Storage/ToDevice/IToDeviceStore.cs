namespace Homeserver.Storage.ToDevice;

/// <summary>One message for one device: the recipient and the content JSON.</summary>
public sealed record ToDeviceMessage(string UserId, string DeviceId, string ContentJson);

/// <summary>A message waiting in a device's inbox, at the position of the send that queued it.</summary>
public sealed record QueuedToDeviceMessage(long Position, string Sender, string Type, string ContentJson);

/// <summary>The sending device's transaction id of a send: a repeat of the same key sends nothing again.</summary>
public sealed record ToDeviceTransactionKey(string UserId, string DeviceId, string TransactionId);

/// <summary>
/// Inboxes of to-device messages per device, on an increasing server-wide stream: each send takes one
/// new position for all its messages (a send gives a device at most one message), and positions become
/// visible to readers in increasing order.
/// </summary>
public interface IToDeviceStore
{
    /// <summary>
    /// Queues the messages under one new position, unless <paramref name="transaction"/> was used within the
    /// retention period before <paramref name="nowMs"/>. Returns the position, or null when the transaction was
    /// a repeat or there was nothing to queue.
    /// </summary>
    Task<long?> EnqueueAsync(ToDeviceTransactionKey transaction, long nowMs, string sender, string type, IReadOnlyList<ToDeviceMessage> messages,
        CancellationToken cancellationToken);

    /// <summary>The last position handed out and committed (0 before the first send).</summary>
    Task<long> GetCurrentPositionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the device's messages at or before <paramref name="acknowledged"/> and returns, oldest first, at
    /// most <paramref name="limit"/> of those after it up to <paramref name="upTo"/>.
    /// </summary>
    Task<IReadOnlyList<QueuedToDeviceMessage>> TakeAsync(string userId, string deviceId, long acknowledged, long upTo, int limit,
        CancellationToken cancellationToken);

    /// <summary>
    /// Returns, oldest first, at most <paramref name="limit"/> of the device's messages after <paramref name="after"/>
    /// up to <paramref name="upTo"/>, deleting none (a dehydrated device's messages stay until the device goes).
    /// </summary>
    Task<IReadOnlyList<QueuedToDeviceMessage>> ReadAsync(string userId, string deviceId, long after, long upTo, int limit,
        CancellationToken cancellationToken);

    /// <summary>Forgets a device: its waiting messages and its transaction ids.</summary>
    Task DeleteDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken);

    /// <summary>Forgets every device of the user except <paramref name="keepDeviceId"/>, when given.</summary>
    Task DeleteUserDevicesAsync(string userId, string? keepDeviceId, CancellationToken cancellationToken);
}
