using System.Text.Json.Nodes;

namespace Homeserver.Federation.Sending;

/// <summary>
/// Which queued EDUs a newer one replaces: the latest typing state per room and user, the latest
/// presence per user, and the receipts of a room merged per receipt type and user. Other EDU types
/// (device list updates, to-device messages) are each sent.
/// </summary>
public static class EduCoalescing
{
    public const string Typing = "m.typing";
    public const string Presence = "m.presence";
    public const string Receipt = "m.receipt";

    /// <summary>An EDU split into the parts that coalesce independently, each with its key (null: never coalesced).</summary>
    public static IReadOnlyList<(string? Key, JsonObject Content)> Split(string eduType, JsonObject content)
    {
        switch (eduType)
        {
            case Typing when content["room_id"] is JsonValue room && room.TryGetValue(out string? roomId)
                && content["user_id"] is JsonValue user && user.TryGetValue(out string? userId):
                return [(roomId + "\n" + userId, content)];
            case Presence when content["push"] is JsonArray push && push.All(IsPresenceUpdate):
                return [.. push.Select(p => ((string?)p!["user_id"]!.GetValue<string>(),
                    new JsonObject { ["push"] = new JsonArray(p!.DeepClone()) }))];
            case Receipt when content.Count > 0 && content.All(p => p.Value is JsonObject):
                return [.. content.Select(p => ((string?)p.Key, new JsonObject { [p.Key] = p.Value!.DeepClone() }))];
            default:
                return [(null, content)];
        }
    }

    /// <summary>The content to queue: <paramref name="next"/>, or for receipts the waiting receipts with the newer ones merged in.</summary>
    public static JsonObject Merge(string eduType, JsonObject? waiting, JsonObject next)
    {
        if (eduType != Receipt || waiting is null) return next;
        var merged = waiting.DeepClone().AsObject();
        foreach (var (roomId, roomReceipts) in next)
        {
            if (merged[roomId] is not JsonObject mergedRoom || roomReceipts is not JsonObject nextRoom)
            {
                merged[roomId] = roomReceipts?.DeepClone();
                continue;
            }
            foreach (var (receiptType, byUser) in nextRoom)
            {
                if (mergedRoom[receiptType] is not JsonObject mergedUsers || byUser is not JsonObject nextUsers)
                {
                    mergedRoom[receiptType] = byUser?.DeepClone();
                    continue;
                }
                foreach (var (userId, receipt) in nextUsers) mergedUsers[userId] = receipt?.DeepClone();
            }
        }
        return merged;
    }

    private static bool IsPresenceUpdate(JsonNode? update) =>
        update is JsonObject o && o["user_id"] is JsonValue v && v.TryGetValue(out string? _);
}
