using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.RoomVersions;
using Homeserver.Storage.Events;

namespace Homeserver.Rooms;

/// <summary>
/// Finds, for events about to be shown to a client, the redaction that applies to each: an
/// accepted redaction whose sender is on the same server as the event's sender, or has the
/// room's <c>redact</c> power level in the state before the redaction.
/// </summary>
public sealed class RedactionFinder(IRoomEventStore events, IRoomTimelineStore timeline)
{
    /// <param name="redactionsOfTargets">The redactions of the targets (or more) in stream order, when already read.</param>
    public async Task<Dictionary<string, EventRecord>> FindAsync(IReadOnlyList<EventRecord> targets, RoomVersion version,
        CancellationToken cancellationToken, IReadOnlyList<EventRecord>? redactionsOfTargets = null)
    {
        var applied = new Dictionary<string, EventRecord>(StringComparer.Ordinal);
        if (targets.Count == 0)
            return applied;
        var byId = targets.ToDictionary(t => t.EventId, StringComparer.Ordinal);
        foreach (var redaction in redactionsOfTargets ?? await timeline.GetRedactionsOfAsync(byId.Keys, cancellationToken))
        {
            if (redaction.Redacts is not { } targetId || applied.ContainsKey(targetId) || !byId.TryGetValue(targetId, out var target)
                || target.RoomId != redaction.RoomId)
                continue;
            if (ServerOf(redaction.Sender) == ServerOf(target.Sender) || await HasRedactPowerAsync(redaction, version, cancellationToken))
                applied[targetId] = redaction;
        }
        return applied;
    }

    private async Task<bool> HasRedactPowerAsync(EventRecord redaction, RoomVersion version, CancellationToken cancellationToken)
    {
        if (await events.GetStateBeforeAsync(redaction.EventId, cancellationToken) is not { } state
            || !state.TryGetValue(("m.room.create", ""), out var createId))
            return false;
        var ids = new List<string> { createId };
        if (state.TryGetValue(("m.room.power_levels", ""), out var powerId)) ids.Add(powerId);
        var records = (await events.GetEventsAsync(ids, cancellationToken)).ToDictionary(r => r.EventId, StringComparer.Ordinal);
        if (!records.TryGetValue(createId, out var createRecord))
            return false;
        var creators = RoomCreators.Of(ToPdu(createRecord, version));
        var power = powerId is not null && records.TryGetValue(powerId, out var powerRecord) ? PowerLevels.Of(ToPdu(powerRecord, version)) : PowerLevels.Absent;
        return power.UserLevel(redaction.Sender, creators) >= power.Redact;
    }

    private static Pdu ToPdu(EventRecord record, RoomVersion version) =>
        Pdu.FromJson(JsonNode.Parse(record.Json)!.AsObject(), version, record.EventId);

    private static string ServerOf(string userId) => userId[(userId.IndexOf(':') + 1)..];
}
