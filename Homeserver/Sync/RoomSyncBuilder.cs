using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Storage.Events;

namespace Homeserver.Sync;

/// <summary>How a room section's <c>state</c> is chosen.</summary>
public enum RoomStateMode
{
    /// <summary>The whole state at the start of the timeline (initial sync, new joins, full_state).</summary>
    Full,

    /// <summary>What changed between the previous sync and the start of the timeline.</summary>
    Delta,

    /// <summary>No state (a room the user never joined).</summary>
    None,
}

/// <summary>
/// A room's timeline and state for one sync; <see cref="HasContent"/> when either holds an event,
/// <see cref="HasMemberEvents"/> when either holds a member event (so the summary may have changed).
/// </summary>
public sealed record RoomSection(JsonObject Timeline, JsonArray State, bool HasContent, bool HasMemberEvents);

/// <summary>Builds the per-room parts of a sync response.</summary>
public sealed partial class RoomSyncBuilder(IRoomEventStore events, IRoomTimelineStore timeline, IRoomRelationStore relations,
    RoomTimelineReader reader, ClientEventWriter writer)
{
    /// <summary>Stripped state given with an invite (the spec's recommended types).</summary>
    private static readonly string[] StrippedStateTypes =
        ["m.room.create", "m.room.name", "m.room.avatar", "m.room.topic", "m.room.join_rules", "m.room.canonical_alias", "m.room.encryption"];

    /// <param name="after">The timeline holds events after this position ...</param>
    /// <param name="upTo">... up to and including this one.</param>
    /// <param name="stateSince">For <see cref="RoomStateMode.Delta"/>: the position the client has the state of.</param>
    /// <param name="prefetch">Reads already made for this room with others (used when it is for this range and full state).</param>
    public async Task<RoomSection> BuildAsync(SyncRequest request, string roomId, long after, long upTo, RoomStateMode mode,
        CancellationToken cancellationToken, long? stateSince = null, RoomsPrefetch? prefetch = null)
    {
        var filter = request.Filter;
        if (prefetch is not null && !prefetch.AppliesTo(roomId, after, upTo, mode))
            prefetch = null;
        var slice = prefetch?.Slices[roomId]
            ?? await reader.ReadAsync(roomId, after, upTo, backwards: true, filter.TimelineLimit, filter.Timeline, cancellationToken);
        var timelineEvents = slice.Events.Reverse().ToList();
        var prevBatch = timelineEvents.Count > 0 ? timelineEvents[0].StreamOrdering!.Value - 1 : upTo;

        // The timeline's formatting reads and the state's reads are independent: made at the same time.
        // The spec asks for bundled aggregations in limited timelines, where the client misses the children.
        var timelineFormatted = writer.FormatAsync(roomId, timelineEvents, request.UserId, request.DeviceId, includeRoomId: false, cancellationToken,
            bundleAggregations: slice.HasMore, prefetch: prefetch?.Format);
        var state = new JsonArray();
        // No event in the range: the state cannot have changed since.
        if (mode == RoomStateMode.Full || (mode == RoomStateMode.Delta && slice.AnyInRange))
        {
            var stateEvents = await StateAsync(request, roomId, timelineEvents, upTo, mode, stateSince ?? after, prefetch, cancellationToken);
            state = await writer.FormatAsync(roomId, stateEvents, request.UserId, request.DeviceId, includeRoomId: false, cancellationToken,
                prefetch: prefetch?.Format);
        }
        var timelineJson = new JsonObject
        {
            ["events"] = await timelineFormatted,
            ["limited"] = slice.HasMore,
            ["prev_batch"] = PaginationToken.Format(prevBatch),
        };
        var hasMemberEvents = timelineEvents.Any(e => e.Type == "m.room.member") || state.Any(e => (string?)e!["type"] == "m.room.member");
        return new RoomSection(timelineJson, state, timelineEvents.Count > 0 || state.Count > 0, hasMemberEvents);
    }

    /// <summary>Most heroes a summary names.</summary>
    private const int MaxHeroes = 5;

    public JsonObject JoinedRoom(RoomSection section, JsonArray accountData, JsonArray ephemeral, JsonObject summary) => new()
    {
        ["summary"] = summary,
        ["timeline"] = section.Timeline,
        ["state"] = new JsonObject { ["events"] = section.State },
        ["account_data"] = new JsonObject { ["events"] = accountData },
        ["ephemeral"] = new JsonObject { ["events"] = ephemeral },
        ["unread_notifications"] = new JsonObject { ["highlight_count"] = 0, ["notification_count"] = 0 },
    };

    public JsonObject LeftRoom(RoomSection section, JsonArray accountData) => new()
    {
        ["timeline"] = section.Timeline,
        ["state"] = new JsonObject { ["events"] = section.State },
        ["account_data"] = new JsonObject { ["events"] = accountData },
    };

    /// <summary>
    /// Joined and invited member counts and up to five other members (joined or invited, by user id),
    /// from the current state: one read of the room's member events.
    /// </summary>
    public async Task<JsonObject> SummaryAsync(string roomId, string userId, CancellationToken cancellationToken, RoomsPrefetch? prefetch = null)
    {
        var current = prefetch is not null && prefetch.CurrentStates.TryGetValue(roomId, out var read)
            ? read
            : await events.GetCurrentStateAsync(roomId, cancellationToken);
        var joined = new List<string>();
        var invited = new List<string>();
        foreach (var member in await GetEventsAsync(MemberEventIds(current), prefetch, cancellationToken))
        {
            var membership = MembershipOf(member.Json);
            if (membership == "join") joined.Add(member.StateKey!);
            else if (membership == "invite") invited.Add(member.StateKey!);
        }
        var heroes = joined.Concat(invited).Where(u => u != userId).Order(StringComparer.Ordinal).Take(MaxHeroes);
        return new JsonObject
        {
            ["m.heroes"] = new JsonArray([.. heroes.Select(h => (JsonNode)h)]),
            ["m.joined_member_count"] = joined.Count,
            ["m.invited_member_count"] = invited.Count,
        };
    }

    /// <summary>The <c>content.membership</c> string of a member event, read without building nodes for the event.</summary>
    private static string? MembershipOf(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement is { ValueKind: JsonValueKind.Object } root
            && root.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Object
            && content.TryGetProperty("membership", out var membership) && membership.ValueKind == JsonValueKind.String
            ? membership.GetString()
            : null;
    }

    /// <summary>The invite: stripped state of the room as it was before the invite, and the invite itself.</summary>
    public async Task<JsonObject> InvitedRoomAsync(MembershipChange invite, CancellationToken cancellationToken)
    {
        var inviteEvent = await events.GetEventAsync(invite.EventId, cancellationToken)
            ?? throw new InvalidOperationException($"Invite {invite.EventId} is listed but not stored.");
        var ids = new List<string>();
        if (await events.GetStateBeforeAsync(invite.EventId, cancellationToken) is { } before)
        {
            foreach (var type in StrippedStateTypes)
                if (before.TryGetValue((type, ""), out var id)) ids.Add(id);
            if (before.TryGetValue(("m.room.member", inviteEvent.Sender), out var inviterMember)) ids.Add(inviterMember);
        }
        var stripped = new JsonArray();
        foreach (var record in (await events.GetEventsAsync(ids, cancellationToken)).Append(inviteEvent))
            stripped.Add(Stripped(record));
        return new JsonObject { ["invite_state"] = new JsonObject { ["events"] = stripped } };
    }

    private static JsonObject Stripped(EventRecord record)
    {
        var pdu = JsonNode.Parse(record.Json)!.AsObject();
        return new JsonObject
        {
            ["type"] = record.Type,
            ["state_key"] = record.StateKey,
            ["sender"] = record.Sender,
            ["content"] = pdu["content"]?.DeepClone() ?? new JsonObject(),
        };
    }

    /// <summary>The state events to send, in stream order, per the mode, the state filter and lazy loading of members.</summary>
    private async Task<IReadOnlyList<EventRecord>> StateAsync(SyncRequest request, string roomId, List<EventRecord> timelineEvents, long upTo,
        RoomStateMode mode, long stateSince, RoomsPrefetch? prefetch, CancellationToken cancellationToken)
    {
        // The two states are independent reads: asked at the same time.
        var knownRead = mode == RoomStateMode.Delta ? StateAtAsync(roomId, stateSince, cancellationToken) : null;
        var atStart = prefetch is not null ? prefetch.StatesAtStart.GetValueOrDefault(roomId)
            : timelineEvents.Count > 0 ? await events.GetStateBeforeAsync(timelineEvents[0].EventId, cancellationToken)
            : await StateAtAsync(roomId, upTo, cancellationToken);
        var known = knownRead is null ? [] : await knownRead ?? [];
        if (atStart is null)
            return [];
        var records = await GetEventsAsync(StateEventIds(request, atStart, known, timelineEvents), prefetch, cancellationToken);
        return StateToSend(request, records);
    }

    /// <summary>The ids of the state to send: what changed from <paramref name="known"/>, members lazily loaded when the filter asks.</summary>
    internal static List<string> StateEventIds(SyncRequest request, StateMap atStart, StateMap known, IReadOnlyList<EventRecord> timelineEvents)
    {
        var members = request.Filter.State.LazyLoadMembers
            ? new HashSet<string>(timelineEvents.Select(e => e.Sender).Append(request.UserId), StringComparer.Ordinal)
            : null;
        return atStart
            .Where(entry => !known.TryGetValue(entry.Key, out var had) || had != entry.Value)
            .Where(entry => members is null || entry.Key.Type != "m.room.member" || members.Contains(entry.Key.StateKey))
            .Select(entry => entry.Value)
            .ToList();
    }

    /// <summary>The state events the filter allows, in stream order.</summary>
    internal static IReadOnlyList<EventRecord> StateToSend(SyncRequest request, IEnumerable<EventRecord> records) =>
        [.. records.Where(r => request.Filter.State.Allows(r.Type, r.Sender)).OrderBy(r => r.StreamOrdering ?? long.MinValue)];

    internal static List<string> MemberEventIds(StateMap state) =>
        state.Where(e => e.Key.Type == "m.room.member").Select(e => e.Value).ToList();

    /// <summary>The stored events among the ids: those the prefetch read, the others from the store.</summary>
    private async Task<IReadOnlyList<EventRecord>> GetEventsAsync(List<string> ids, RoomsPrefetch? prefetch, CancellationToken cancellationToken)
    {
        if (prefetch is null)
            return await events.GetEventsAsync(ids, cancellationToken);
        var found = new List<EventRecord>(ids.Count);
        var missing = new List<string>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (prefetch.Events.TryGetValue(id, out var record)) found.Add(record);
            else missing.Add(id);
        }
        if (missing.Count > 0)
            found.AddRange(await events.GetEventsAsync(missing, cancellationToken));
        return found;
    }

    private Task<StateMap?> StateAtAsync(string roomId, long position, CancellationToken cancellationToken) =>
        timeline.GetStateAtAsync(roomId, position, cancellationToken);
}
