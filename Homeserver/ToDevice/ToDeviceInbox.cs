using System.Text.Json.Nodes;
using Homeserver.Storage.ToDevice;
using Homeserver.Sync;

namespace Homeserver.ToDevice;

/// <summary>
/// The to-device stream for <c>/sync</c>: a device's messages stay queued until a sync with a later
/// <c>since</c> acknowledges them, so a lost response means the same messages again.
/// </summary>
public sealed class ToDeviceInbox(IToDeviceStore store) : IToDeviceSync
{
    /// <summary>Most messages in one sync response (the spec recommends 100, as Synapse does).</summary>
    public const int MaxPerSync = 100;

    public async Task<ToDeviceBatch> GetAsync(string userId, string deviceId, long acknowledged, long upTo, CancellationToken cancellationToken)
    {
        // One more than fits tells whether more are waiting.
        var taken = await store.TakeAsync(userId, deviceId, acknowledged, upTo, MaxPerSync + 1, cancellationToken);
        var batch = taken.Take(MaxPerSync).ToList();
        var events = new JsonArray([.. batch.Select(m => (JsonNode)new JsonObject
        {
            ["sender"] = m.Sender,
            ["type"] = m.Type,
            ["content"] = JsonNode.Parse(m.ContentJson),
        })]);
        return new ToDeviceBatch(events, taken.Count > MaxPerSync ? batch[^1].Position : upTo);
    }
}
