using System.Text.Json.Nodes;
using Homeserver.Rooms;
using Homeserver.Storage.Events;

namespace Homeserver.Relations;

/// <summary>
/// Adds the spec's bundled aggregations (<c>unsigned["m.relations"]</c>) to events served to a client:
/// <c>m.thread</c> (reply count, latest reply, whether the user took part), <c>m.replace</c> (the most recent
/// valid edit) and <c>m.reference</c> (the referencing event ids). State events get none, as the spec says.
/// Nested events are shown only when the user may see them; a redacted event gets no edit.
/// </summary>
public sealed class BundledAggregations(IRoomRelationStore relations, IRoomEventStore events, HistoryVisibility visibility)
{
    /// <summary>Most references listed for one event.</summary>
    public const int MaxReferences = 50;

    /// <param name="records">The events, in the order of <paramref name="formatted"/>.</param>
    /// <param name="format">Formats nested events (the latest thread reply, an edit) the way the outer events were.</param>
    /// <param name="parentsWithChildren">When known, the events that have related events (a superset will do); only those are read.</param>
    public async Task AddAsync(string roomId, IReadOnlyList<EventRecord> records, JsonArray formatted, string userId,
        Func<IReadOnlyList<EventRecord>, Task<JsonArray>> format, CancellationToken cancellationToken, IReadOnlySet<string>? parentsWithChildren = null)
    {
        var parents = records.Where(r => !r.IsState && !r.IsRejected && (parentsWithChildren is null || parentsWithChildren.Contains(r.EventId)))
            .Select(r => r.EventId).Distinct(StringComparer.Ordinal).ToList();
        if (parents.Count == 0)
            return;
        var threads = await relations.GetThreadSummariesAsync(roomId, parents, userId, cancellationToken);
        var edits = await relations.GetLatestEditsAsync(roomId, parents, cancellationToken);
        var references = await relations.GetReferencesAsync(roomId, parents, MaxReferences, cancellationToken);
        if (threads.Count == 0 && edits.Count == 0 && references.Count == 0)
            return;

        // Nested events the user may see, formatted in one go.
        var latestReplies = threads.Count == 0 ? [] : await events.GetEventsAsync([.. threads.Select(t => t.LatestEventId)], cancellationToken);
        var nestedCandidates = latestReplies.Concat(edits.Values)
            .DistinctBy(r => r.EventId).ToList();
        var nestedRecords = new List<EventRecord>(nestedCandidates.Count);
        foreach (var record in nestedCandidates)
            if (await visibility.CanSeeAsync(userId, record, cancellationToken))
                nestedRecords.Add(record);
        var nestedJson = await format(nestedRecords);
        var nested = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        for (var i = 0; i < nestedRecords.Count; i++)
            nested[nestedRecords[i].EventId] = nestedJson[i]!;

        var threadByRoot = threads.ToDictionary(t => t.RootEventId, StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (formatted[i] is not JsonObject ev || record.IsState) continue;
            var bundle = new JsonObject();
            if (threadByRoot.TryGetValue(record.EventId, out var thread) && nested.TryGetValue(thread.LatestEventId, out var latest))
                bundle["m.thread"] = new JsonObject
                {
                    ["latest_event"] = latest.DeepClone(),
                    ["count"] = thread.Count,
                    ["current_user_participated"] = thread.UserParticipated || record.Sender == userId,
                };
            var redacted = ev["unsigned"]?["redacted_because"] is not null;
            if (!redacted && edits.TryGetValue(record.EventId, out var edit) && nested.TryGetValue(edit.EventId, out var editJson))
                bundle["m.replace"] = editJson.DeepClone();
            if (references.TryGetValue(record.EventId, out var referencing))
                bundle["m.reference"] = new JsonObject { ["chunk"] = new JsonArray([.. referencing.Select(id => new JsonObject { ["event_id"] = id })]) };
            if (bundle.Count == 0) continue;
            var unsigned = ev["unsigned"] as JsonObject ?? [];
            unsigned["m.relations"] = bundle;
            ev["unsigned"] = unsigned;
        }
    }
}
