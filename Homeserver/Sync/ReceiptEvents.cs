using System.Text.Json.Nodes;
using Homeserver.Storage.Receipts;

namespace Homeserver.Sync;

/// <summary>
/// Receipts as sync's <c>m.receipt</c> ephemeral events: per room, event id to receipt type to user
/// to <c>{ts, thread_id}</c>. Private receipts (<c>m.read.private</c>) go only to their owner.
/// </summary>
public sealed class ReceiptEvents(IReceiptStore store)
{
    public const string PrivateRead = "m.read.private";

    public async Task<Dictionary<string, JsonObject>> GetReceiptEventsAsync(IReadOnlyCollection<string> roomIds, string userId, long after, long upTo,
        CancellationToken cancellationToken)
    {
        var events = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var receipt in await store.GetChangedAsync(roomIds, after, upTo, cancellationToken))
        {
            if (receipt.ReceiptType == PrivateRead && receipt.UserId != userId) continue;
            if (!events.TryGetValue(receipt.RoomId, out var ev))
                events[receipt.RoomId] = ev = new JsonObject { ["type"] = "m.receipt", ["content"] = new JsonObject() };
            var content = ev["content"]!.AsObject();
            var byType = (content[receipt.EventId] ??= new JsonObject()).AsObject();
            var byUser = (byType[receipt.ReceiptType] ??= new JsonObject()).AsObject();
            var data = new JsonObject { ["ts"] = receipt.Ts };
            if (receipt.ThreadId.Length > 0) data["thread_id"] = receipt.ThreadId;
            byUser[receipt.UserId] = data;
        }
        return events;
    }
}
