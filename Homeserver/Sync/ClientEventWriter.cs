using System.Text.Json.Nodes;
using Homeserver.Federation.RoomVersions;
using Homeserver.Relations;
using Homeserver.Rooms;
using Homeserver.Storage.Events;

namespace Homeserver.Sync;

/// <summary>
/// Formats stored events of one room for one requesting device: the room's version for redaction,
/// redactions applied (with <c>unsigned.redacted_because</c>), <c>unsigned.transaction_id</c> on the events that device sent,
/// and, where the spec asks for them, bundled aggregations of related events.
/// </summary>
public sealed class ClientEventWriter(IRoomEventStore events, IRoomTimelineStore timeline, RedactionFinder redactions,
    BundledAggregations aggregations, TimeProvider time)
{
    /// <param name="prefetch">What was already read for these records (with those of other rooms), when it covers them all.</param>
    public async Task<JsonArray> FormatAsync(string roomId, IReadOnlyList<EventRecord> records, string userId, string? deviceId,
        bool includeRoomId, CancellationToken cancellationToken, bool bundleAggregations = false, FormatPrefetch? prefetch = null)
    {
        var array = new JsonArray();
        if (records.Count == 0)
            return array;
        if (prefetch is not null && !prefetch.Covers(records))
            prefetch = null;
        var version = await GetVersionAsync(roomId, cancellationToken);
        var own = records.Where(r => r.Sender == userId).Select(r => r.EventId).ToList();
        var transactionIds = deviceId is null || own.Count == 0
            ? new Dictionary<string, string>()
            : prefetch?.TransactionIds ?? await timeline.GetTransactionIdsAsync(userId, deviceId, own, cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var applied = await redactions.FindAsync(records, version, cancellationToken, prefetch?.RedactionsOf(records));
        foreach (var record in records)
        {
            var redactedBecause = applied.TryGetValue(record.EventId, out var redaction)
                ? ClientEventFormat.Format(redaction, version, now, includeRoomId)
                : null;
            array.Add(ClientEventFormat.Format(record, version, now, includeRoomId, redactedBecause,
                transactionIds.GetValueOrDefault(record.EventId)));
        }
        if (bundleAggregations)
            await aggregations.AddAsync(roomId, records, array, userId,
                nested => FormatAsync(roomId, nested, userId, deviceId, includeRoomId, cancellationToken), cancellationToken,
                prefetch?.ParentsWithChildren);
        return array;
    }

    private async Task<RoomVersion> GetVersionAsync(string roomId, CancellationToken cancellationToken)
    {
        var room = await events.GetRoomAsync(roomId, cancellationToken)
            ?? throw new InvalidOperationException($"Events of unknown room {roomId}.");
        return RoomVersionRegistry.Find(room.RoomVersion)
            ?? throw new InvalidOperationException($"Room {roomId} has unsupported version {room.RoomVersion}.");
    }
}
