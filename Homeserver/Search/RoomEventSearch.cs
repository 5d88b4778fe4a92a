using System.Text.Json.Nodes;
using Homeserver.Federation.RoomVersions;
using Homeserver.Http.Auth;
using Homeserver.Rooms;
using Homeserver.Storage.Events;
using Homeserver.Storage.Search;
using Homeserver.Sync;

namespace Homeserver.Search;

/// <summary>
/// The <c>room_events</c> category of <c>POST /search</c>: matches from the full-text index in the rooms the
/// user is or was in, kept only when the user may see the event (<see cref="HistoryVisibility"/>), the
/// filter allows its type and sender, and no redaction applies to it; then context, state and groups as
/// asked. Pages continue with <see cref="SearchBatchToken"/>.
/// </summary>
public sealed class RoomEventSearch(IEventSearchStore store, IRoomEventStore events, IRoomReadStore reads, HistoryVisibility visibility,
    RedactionFinder redactions, RoomTimelineReader timeline, ClientEventWriter writer, SearchIndexProgress progress)
{
    /// <summary>Matches examined per request at most, so invisible matches cannot make a search scan without end.</summary>
    public const int MaxScanned = 1000;

    /// <summary>The memberships through which a user is or was in a room.</summary>
    private static readonly string[] Memberships = ["join", "leave", "ban"];

    public async Task<JsonObject> SearchAsync(RequestUser user, SearchRequest request, string? nextBatch, CancellationToken cancellationToken)
    {
        var max = await events.GetMaxStreamOrderingAsync(cancellationToken);
        // An event committed just before the search is findable once the indexer has reached it.
        await progress.WaitForAsync(max, SearchIndexProgress.MaxWait, cancellationToken);
        var cursor = nextBatch is null ? SearchBatchToken.First(max) : SearchBatchToken.Parse(nextBatch, request.OrderByRank);
        var terms = SearchTerms.Split(request.SearchTerm);
        var rooms = await RoomsAsync(user.UserId, request.Filter, cancellationToken);
        var batchSize = Math.Max(request.Limit * 2, 20);
        var query = new SearchQuery(terms, rooms, request.Keys, request.OrderByRank, cursor.UpTo, cursor.Offset, batchSize);
        var count = await store.CountAsync(query with { UpTo = cursor.Snapshot }, cancellationToken);

        var found = new List<(SearchHit Hit, EventRecord Record)>();
        var versions = new Dictionary<string, RoomVersion?>(StringComparer.Ordinal);
        var more = false;
        var scanned = 0;
        while (!more)
        {
            var hits = await store.SearchAsync(query with { UpTo = cursor.UpTo, Offset = cursor.Offset }, cancellationToken);
            var records = (await events.GetEventsAsync([.. hits.Select(h => h.EventId)], cancellationToken))
                .ToDictionary(r => r.EventId, StringComparer.Ordinal);
            var redacted = await RedactedAsync([.. records.Values], versions, cancellationToken);
            foreach (var hit in hits)
            {
                if (found.Count == request.Limit)
                {
                    more = true;
                    break;
                }
                cursor = request.OrderByRank ? cursor with { Offset = cursor.Offset + 1 } : cursor with { UpTo = hit.StreamOrdering - 1 };
                if (records.TryGetValue(hit.EventId, out var record) && !redacted.Contains(hit.EventId)
                    && request.Filter.Allows(record.Type, record.Sender) && await visibility.CanSeeAsync(user.UserId, record, cancellationToken))
                    found.Add((hit, record));
            }
            scanned += hits.Count;
            if (more || hits.Count < batchSize) break;
            if (scanned >= MaxScanned) more = true;
        }

        var nextToken = more ? cursor.Format(request.OrderByRank) : null;
        var formatted = await FormatAsync(user, [.. found.Select(f => f.Record)], cancellationToken);
        var results = new JsonArray();
        foreach (var (hit, record) in found)
        {
            var result = new JsonObject { ["rank"] = hit.Rank, ["result"] = formatted[record.EventId].DeepClone() };
            if (request.Context is { } context)
                result["context"] = await ContextAsync(user, record, context, request.Filter, max, cancellationToken);
            results.Add(result);
        }

        var roomEvents = new JsonObject
        {
            ["count"] = count,
            ["highlights"] = new JsonArray([.. terms.Select(t => JsonValue.Create(t))]),
            ["results"] = results,
        };
        if (nextToken is not null) roomEvents["next_batch"] = nextToken;
        if (request.IncludeState)
            roomEvents["state"] = await StateAsync(user, found.Select(f => f.Record.RoomId).Distinct(StringComparer.Ordinal), cancellationToken);
        if (request.GroupBy.Count > 0)
            roomEvents["groups"] = Groups(request.GroupBy, found.Select(f => f.Record).ToList(), nextToken);
        return new JsonObject { ["search_categories"] = new JsonObject { ["room_events"] = roomEvents } };
    }

    /// <summary>The rooms the user is or was in (not forgotten) that the filter allows.</summary>
    private async Task<List<string>> RoomsAsync(string userId, EventFilter filter, CancellationToken cancellationToken)
    {
        var forgotten = await reads.GetForgottenRoomsAsync(userId, cancellationToken);
        var rooms = new List<string>();
        foreach (var membership in Memberships)
            rooms.AddRange((await events.GetRoomsForUserAsync(userId, membership, cancellationToken))
                .Where(r => filter.AllowsRoom(r) && !forgotten.Contains(r)));
        return rooms;
    }

    /// <summary>The ids of the events that a redaction applies to.</summary>
    private async Task<HashSet<string>> RedactedAsync(IReadOnlyList<EventRecord> records, Dictionary<string, RoomVersion?> versions,
        CancellationToken cancellationToken)
    {
        var redacted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var room in records.GroupBy(r => r.RoomId, StringComparer.Ordinal))
        {
            if (!versions.TryGetValue(room.Key, out var version))
                versions[room.Key] = version = await events.GetRoomAsync(room.Key, cancellationToken) is { } r ? RoomVersionRegistry.Find(r.RoomVersion) : null;
            if (version is null)
            {
                redacted.UnionWith(room.Select(e => e.EventId)); // a room we cannot format is not shown
                continue;
            }
            redacted.UnionWith((await redactions.FindAsync([.. room], version, cancellationToken)).Keys);
        }
        return redacted;
    }

    /// <summary>The events in client format, by id (formatted per room, as the writer needs).</summary>
    private async Task<Dictionary<string, JsonNode>> FormatAsync(RequestUser user, IReadOnlyList<EventRecord> records, CancellationToken cancellationToken)
    {
        var byId = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var room in records.GroupBy(r => r.RoomId, StringComparer.Ordinal))
        {
            var list = room.ToList();
            var json = await writer.FormatAsync(room.Key, list, user.UserId, user.DeviceId, includeRoomId: true, cancellationToken);
            for (var i = 0; i < list.Count; i++)
                byId[list[i].EventId] = json[i]!;
        }
        return byId;
    }

    /// <summary>The visible events around a result, <c>/messages</c> tokens at either end, and the senders' profiles at the result.</summary>
    private async Task<JsonObject> ContextAsync(RequestUser user, EventRecord record, EventContextRequest request, EventFilter filter, long max,
        CancellationToken cancellationToken)
    {
        var position = record.StreamOrdering!.Value;
        var before = request.BeforeLimit == 0
            ? new TimelineSlice([], false, false)
            : await timeline.ReadAsync(record.RoomId, 0, position - 1, backwards: true, request.BeforeLimit, filter, cancellationToken);
        var after = request.AfterLimit == 0
            ? new TimelineSlice([], false, false)
            : await timeline.ReadAsync(record.RoomId, position, max, backwards: false, request.AfterLimit, filter, cancellationToken);
        // Tokens follow the events read, seen or not: /messages applies visibility itself.
        var start = (before.Events.Count > 0 ? before.Events[^1].StreamOrdering!.Value : position) - 1;
        var end = after.Events.Count > 0 ? after.Events[^1].StreamOrdering!.Value : position;
        var visibleBefore = await VisibleAsync(user.UserId, before.Events, cancellationToken);
        var visibleAfter = await VisibleAsync(user.UserId, after.Events, cancellationToken);
        var context = new JsonObject
        {
            ["events_before"] = await writer.FormatAsync(record.RoomId, visibleBefore, user.UserId, user.DeviceId, includeRoomId: true, cancellationToken),
            ["events_after"] = await writer.FormatAsync(record.RoomId, visibleAfter, user.UserId, user.DeviceId, includeRoomId: true, cancellationToken),
            ["start"] = PaginationToken.Format(Math.Max(start, 0)),
            ["end"] = PaginationToken.Format(end),
        };
        if (request.IncludeProfile)
            context["profile_info"] = await ProfilesAsync(record, [record, .. visibleBefore, .. visibleAfter], cancellationToken);
        return context;
    }

    private async Task<List<EventRecord>> VisibleAsync(string userId, IReadOnlyList<EventRecord> records, CancellationToken cancellationToken)
    {
        var visible = new List<EventRecord>(records.Count);
        foreach (var record in records)
            if (await visibility.CanSeeAsync(userId, record, cancellationToken))
                visible.Add(record);
        return visible;
    }

    /// <summary>Display name and avatar of each sender as the room's state after the result had them (historic, not current).</summary>
    private async Task<JsonObject> ProfilesAsync(EventRecord result, IReadOnlyList<EventRecord> shown, CancellationToken cancellationToken)
    {
        var profiles = new JsonObject();
        var state = await events.GetStateAfterAsync(result.EventId, cancellationToken) ?? [];
        var senders = shown.Select(e => e.Sender).Distinct(StringComparer.Ordinal).ToList();
        var memberIds = senders.Where(s => state.ContainsKey(("m.room.member", s))).Select(s => state[("m.room.member", s)]).ToList();
        var members = (await events.GetEventsAsync(memberIds, cancellationToken)).Where(m => m.StateKey is not null)
            .ToDictionary(m => m.StateKey!, StringComparer.Ordinal);
        foreach (var sender in senders)
        {
            var profile = new JsonObject();
            if (members.TryGetValue(sender, out var member))
            {
                var content = RoomStateReader.ContentOf(member);
                if (RoomStateReader.StringField(content, "displayname") is { } name) profile["displayname"] = name;
                if (RoomStateReader.StringField(content, "avatar_url") is { } avatar) profile["avatar_url"] = avatar;
            }
            profiles[sender] = profile;
        }
        return profiles;
    }

    /// <summary>
    /// The state of each room as the user may know it: the current state while joined, otherwise the
    /// state when their membership last changed (what happened after they left stays hidden).
    /// </summary>
    private async Task<JsonObject> StateAsync(RequestUser user, IEnumerable<string> roomIds, CancellationToken cancellationToken)
    {
        var result = new JsonObject();
        foreach (var roomId in roomIds)
        {
            var memberId = await events.GetCurrentStateEventIdAsync(roomId, "m.room.member", user.UserId, cancellationToken);
            var member = memberId is null ? null : await events.GetEventAsync(memberId, cancellationToken);
            var joined = member is not null && RoomStateReader.MembershipOf(RoomStateReader.ContentOf(member)) == "join";
            var state = joined
                ? await events.GetCurrentStateAsync(roomId, cancellationToken)
                : member is null ? null : await events.GetStateAfterAsync(member.EventId, cancellationToken);
            var records = state is null ? [] : (await events.GetEventsAsync([.. state.Values], cancellationToken))
                .OrderBy(r => r.StreamOrdering ?? long.MinValue).ToList();
            result[roomId] = await writer.FormatAsync(roomId, records, user.UserId, user.DeviceId, includeRoomId: true, cancellationToken);
        }
        return result;
    }

    /// <summary>The results partitioned by each requested key, groups ordered by their first result; a page's continuation applies to every group.</summary>
    private static JsonObject Groups(IReadOnlyList<string> groupBy, IReadOnlyList<EventRecord> results, string? nextToken)
    {
        var groups = new JsonObject();
        foreach (var key in groupBy)
        {
            var byValue = new JsonObject();
            foreach (var record in results)
            {
                var value = key == SearchRequest.GroupByRoom ? record.RoomId : record.Sender;
                if (byValue[value] is not JsonObject group)
                {
                    group = new JsonObject { ["order"] = byValue.Count + 1, ["results"] = new JsonArray() };
                    if (nextToken is not null) group["next_batch"] = nextToken;
                    byValue[value] = group;
                }
                group["results"]!.AsArray().Add(record.EventId);
            }
            groups[key] = byValue;
        }
        return groups;
    }
}
