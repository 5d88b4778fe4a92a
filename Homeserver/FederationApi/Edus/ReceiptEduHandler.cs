using System.Text.Json.Nodes;
using Homeserver.Federation.Identifiers;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Transport;
using Homeserver.Storage.Receipts;
using Homeserver.Sync;

namespace Homeserver.FederationApi.Edus;

/// <summary>
/// Inbound <c>m.receipt</c>: <c>{roomId: {"m.read": {userId: {event_ids, data: {ts, thread_id}}}}}</c>. Each receipt of a
/// user of the origin, joined to a room the origin is in, is stored like a local one and reaches local syncs. Only
/// <c>m.read</c> is federated (private receipts never leave their server).
/// </summary>
public sealed class ReceiptEduHandler(IReceiptStore receipts, RoomServers roomServers, CurrentStateReader state, SyncWakeups wakeups,
    TimeProvider time, RoomServerAcl acl, ILogger<ReceiptEduHandler> logger) : IEduHandler
{
    public const string Type = "m.receipt";

    public const string ReadReceipt = "m.read";

    public string EduType => Type;

    public async Task HandleAsync(string origin, JsonObject content, CancellationToken cancellationToken)
    {
        foreach (var (roomId, byType) in content)
        {
            if (!RoomId.IsValid(roomId) || byType is not JsonObject types)
            {
                EduLog.Ignored(logger, Type, origin, "malformed room entry");
                continue;
            }
            if (!await acl.IsAllowedAsync(roomId, origin, cancellationToken))
            {
                EduLog.Ignored(logger, Type, origin, $"the server ACL of {roomId} denies the origin");
                continue;
            }
            if (!await roomServers.IsInRoomAsync(roomId, origin, cancellationToken))
            {
                EduLog.Ignored(logger, Type, origin, $"the origin is not in {roomId}");
                continue;
            }
            var stored = false;
            foreach (var (receiptType, byUser) in types)
            {
                if (receiptType != ReadReceipt || byUser is not JsonObject users)
                {
                    EduLog.Ignored(logger, Type, origin, $"receipt type {receiptType}");
                    continue;
                }
                foreach (var (userId, receipt) in users)
                    stored |= await StoreAsync(origin, roomId, userId, receipt, cancellationToken);
            }
            if (stored)
                wakeups.SignalRoom(roomId);
        }
    }

    private async Task<bool> StoreAsync(string origin, string roomId, string userId, JsonNode? receipt, CancellationToken cancellationToken)
    {
        if (EduJson.UserOf(userId, origin) is null || receipt is not JsonObject body
            || body["event_ids"] is not JsonArray { Count: > 0 } eventIds || EduJson.String(eventIds[^1]) is not { } eventId)
        {
            EduLog.Ignored(logger, Type, origin, $"malformed receipt of {userId}, or the user is not of the origin");
            return false;
        }
        var data = body["data"] as JsonObject;
        var threadId = "";
        if (data?["thread_id"] is { } threadNode && (threadId = EduJson.String(threadNode)) is null)
        {
            EduLog.Ignored(logger, Type, origin, $"malformed thread_id in the receipt of {userId}");
            return false;
        }
        if (await state.MembershipAsync(roomId, userId, cancellationToken) != "join")
        {
            EduLog.Ignored(logger, Type, origin, $"{userId} is not joined to {roomId}");
            return false;
        }
        var ts = EduJson.Integer(data?["ts"]) ?? time.GetUtcNow().ToUnixTimeMilliseconds();
        await receipts.SetAsync(new ReceiptRecord(roomId, ReadReceipt, userId, threadId, eventId, ts, 0), cancellationToken);
        return true;
    }
}
