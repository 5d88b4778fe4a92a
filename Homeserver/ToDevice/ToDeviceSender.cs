using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Federation.Identifiers;
using Homeserver.FederationApi.Edus;
using Homeserver.Storage.Accounts;
using Homeserver.Storage.ToDevice;
using Homeserver.Sync;

namespace Homeserver.ToDevice;

/// <summary>
/// Queues a <c>sendToDevice</c> request for local devices and wakes their syncs; messages for users of other
/// servers go to each server as one <c>m.direct_to_device</c> EDU. <c>*</c> expands to the user's devices at
/// send time; a device's own entry wins over <c>*</c>; messages for unknown devices are dropped. A transaction
/// id is remembered for <see cref="ToDeviceStore.TransactionRetention"/>.
/// </summary>
public sealed class ToDeviceSender(IToDeviceStore store, IDeviceStore devices, SyncWakeups wakeups, HomeserverConfig config,
    TimeProvider time, EduOutbox outbox)
{
    public const string DirectToDeviceEdu = "m.direct_to_device";

    /// <summary>Queues the messages unless the transaction was already sent; returns how many were queued locally.</summary>
    public async Task<int> SendAsync(string sender, string? senderDeviceId, string eventType, string txnId, SendToDeviceRequest request,
        CancellationToken cancellationToken)
    {
        var local = new Dictionary<string, IReadOnlyDictionary<string, JsonObject>>(StringComparer.Ordinal);
        var remote = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var (userId, contents) in request.Messages)
        {
            if (!UserId.TryParse(userId, out var id))
                continue;
            var server = id.Server.ToString();
            if (server == config.ServerName)
            {
                local[userId] = contents;
                continue;
            }
            var messages = remote.TryGetValue(server, out var existing) ? existing : remote[server] = new JsonObject();
            messages[userId] = new JsonObject(contents.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value.DeepClone())));
        }

        // Transaction ids are scoped to the device (the access token's device; "" for device-less tokens).
        var transaction = new ToDeviceTransactionKey(sender, senderDeviceId ?? "", txnId);
        var queued = await DeliverLocallyAsync(transaction, sender, eventType, local, cancellationToken);
        if (queued is null)
            return 0;
        // The message id follows from the transaction, so a retried request is dropped by the receiving server too.
        var messageId = MessageId(transaction);
        foreach (var (server, messages) in remote)
            outbox.ToServer(server, DirectToDeviceEdu, new JsonObject
            {
                ["sender"] = sender,
                ["type"] = eventType,
                ["message_id"] = messageId,
                ["messages"] = messages,
            });
        return queued.Value;
    }

    /// <summary>
    /// Queues messages for local users (others are skipped) under the transaction; returns how many were queued,
    /// or null when the transaction was a repeat (0 when it was new but had nothing for an existing device).
    /// </summary>
    public async Task<int?> DeliverLocallyAsync(ToDeviceTransactionKey transaction, string sender, string eventType,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonObject>> messagesByUser, CancellationToken cancellationToken)
    {
        var messages = new List<ToDeviceMessage>();
        foreach (var (userId, contents) in messagesByUser)
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
        var position = await store.EnqueueAsync(transaction, time.GetUtcNow().ToUnixTimeMilliseconds(), sender, eventType, messages, cancellationToken);
        if (position is null)
            // With messages, null means a repeat; without any, the store cannot tell, and there is nothing to repeat anyway.
            return messages.Count == 0 ? 0 : null;
        wakeups.SignalUsers(messages.Select(m => m.UserId).Distinct(StringComparer.Ordinal));
        return messages.Count;
    }

    /// <summary>A 32-character id (the spec's maximum) derived from the sending device's transaction.</summary>
    private static string MessageId(ToDeviceTransactionKey transaction) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{transaction.UserId}\n{transaction.DeviceId}\n{transaction.TransactionId}")))[..32];
}
