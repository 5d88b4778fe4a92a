using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.Storage.Accounts;
using Homeserver.Storage.ToDevice;
using Homeserver.Sync;

namespace Homeserver.ToDevice;

/// <summary>
/// Queues a <c>sendToDevice</c> request for local devices and wakes their syncs. <c>*</c> expands to the
/// user's devices at send time; a device's own entry wins over <c>*</c>; messages for unknown devices are
/// dropped. Remote users are skipped: they need federation, which this server does not speak yet. A transaction
/// id is remembered for <see cref="ToDeviceStore.TransactionRetention"/>.
/// </summary>
public sealed class ToDeviceSender(IToDeviceStore store, IDeviceStore devices, SyncWakeups wakeups, HomeserverConfig config,
    TimeProvider time)
{
    /// <summary>Queues the messages unless the transaction was already sent; returns how many were queued.</summary>
    public async Task<int> SendAsync(string sender, string? senderDeviceId, string eventType, string txnId, SendToDeviceRequest request,
        CancellationToken cancellationToken)
    {
        var messages = new List<ToDeviceMessage>();
        foreach (var (userId, contents) in request.Messages)
        {
            if (!UserId.TryParse(userId, out var id) || id.Server.ToString() != config.ServerName)
                continue;
            var known = (await devices.ListAsync(userId, cancellationToken)).Select(d => d.DeviceId).ToHashSet(StringComparer.Ordinal);
            var targets = new Dictionary<string, string>(StringComparer.Ordinal);
            if (contents.TryGetValue(SendToDeviceRequest.AllDevices, out var forAll))
            {
                var json = forAll.ToJsonString();
                foreach (var deviceId in known) targets[deviceId] = json;
            }
            foreach (var (deviceId, content) in contents)
            {
                if (deviceId != SendToDeviceRequest.AllDevices && known.Contains(deviceId))
                    targets[deviceId] = content.ToJsonString();
            }
            messages.AddRange(targets.Select(t => new ToDeviceMessage(userId, t.Key, t.Value)));
            if (messages.Count > SendToDeviceRequest.MaxMessages)
                throw MatrixException.TooLarge($"At most {SendToDeviceRequest.MaxMessages} messages can be sent at once.");
        }
        // Transaction ids are scoped to the device (the access token's device; "" for device-less tokens).
        var transaction = new ToDeviceTransactionKey(sender, senderDeviceId ?? "", txnId);
        var position = await store.EnqueueAsync(transaction, time.GetUtcNow().ToUnixTimeMilliseconds(), sender, eventType, messages, cancellationToken);
        if (position is null) return 0;
        wakeups.SignalUsers(messages.Select(m => m.UserId).Distinct(StringComparer.Ordinal));
        return messages.Count;
    }
}
