using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Identifiers;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Push;
using Homeserver.Storage.Events;
using Homeserver.Storage.Push;
using Homeserver.Sync;
using Homeserver.UserData;

namespace Homeserver.Notifications;

/// <summary>
/// Evaluates the push rules of the room's local members (joined, and the target of an invite) for each
/// event of a committed batch, except for its sender, as the room was just before the event. Events the
/// rules say to notify about become notification records; their users' syncs are woken and their pushers
/// are given the notification. A local sender's event also marks its thread read for the sender.
/// </summary>
public sealed class RoomEventPushProcessor(IRoomEventStore events, PushRuleSets ruleSets, INotificationStore notifications, SyncWakeups wakeups,
    PushDeliveryQueue deliveries, ServerIdentity server, TimeProvider time)
{
    /// <summary>The thread of an event is found within this many relations (the spec recommends 3).</summary>
    public const int MaxThreadHops = 3;

    public const string MainThread = "main";

    /// <param name="rules">Users' rules already read, shared by the batches evaluated together; null: read them for this batch.</param>
    public async Task ProcessAsync(RoomEventsCommitted committed, CancellationToken cancellationToken,
        Dictionary<string, IReadOnlyList<PushRule>>? rules = null)
    {
        var records = await events.GetEventsAsync(committed.EventIds, cancellationToken);
        // Rules are read once per user for the whole batch.
        rules ??= new Dictionary<string, IReadOnlyList<PushRule>>(StringComparer.Ordinal);
        foreach (var record in records.OrderBy(r => r.StreamOrdering ?? long.MaxValue))
        {
            // Only events clients are served: not outliers, rejected or soft-failed ones.
            if (record.StreamOrdering is not { } position || record.IsOutlier || record.IsRejected || record.IsSoftFailed) continue;
            await ProcessEventAsync(record, position, rules, cancellationToken);
        }
    }

    private async Task ProcessEventAsync(EventRecord record, long position, Dictionary<string, IReadOnlyList<PushRule>> rules,
        CancellationToken cancellationToken)
    {
        if (JsonNode.Parse(record.Json) is not JsonObject json) return;
        json["event_id"] = record.EventId;
        var threadId = await ThreadOfAsync(json, cancellationToken);
        if (IsLocal(record.Sender))
            await notifications.MarkReadBySendingAsync(record.Sender, record.RoomId, threadId, position, cancellationToken);

        if (await events.GetStateBeforeAsync(record.EventId, cancellationToken) is not { } state) return;
        var members = await MembersAsync(state, cancellationToken);
        var recipients = members.Where(m => m.Value.Membership == "join" && IsLocal(m.Key)).Select(m => m.Key).ToList();
        if (record.Type == "m.room.member" && record.StateKey is { } target && IsLocal(target)
            && json["content"]?["membership"] is JsonValue membership && membership.TryGetValue<string>(out var m) && m == "invite")
            recipients.Add(target);
        recipients = [.. recipients.Where(u => u != record.Sender).Distinct(StringComparer.Ordinal)];
        if (recipients.Count == 0) return;

        var (senderLevel, notificationLevels) = await PowerAsync(record, state, cancellationToken);
        var joinedCount = members.Count(e => e.Value.Membership == "join");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var made = new List<(NotificationRecord Record, PushActions Actions)>();
        foreach (var userId in recipients)
        {
            var context = new PushEvaluationContext(json, userId, joinedCount, members.GetValueOrDefault(userId)?.DisplayName, senderLevel,
                notificationLevels);
            if (!rules.TryGetValue(userId, out var userRules))
                rules[userId] = userRules = await ruleSets.GetRulesInOrderAsync(userId, cancellationToken);
            var actions = PushRuleEvaluator.Evaluate(userRules, context);
            if (actions is not { Notify: true }) continue;
            made.Add((new NotificationRecord(userId, record.RoomId, record.EventId, position, threadId, actions.Highlight,
                actions.Actions.ToJsonString(), now), actions));
        }
        if (made.Count == 0) return;
        await notifications.AddAsync([.. made.Select(n => n.Record)], cancellationToken);
        wakeups.SignalUsers(made.Select(n => n.Record.UserId));

        var roomName = await StateTextAsync(state, "m.room.name", "name", cancellationToken);
        var roomAlias = await StateTextAsync(state, "m.room.canonical_alias", "alias", cancellationToken);
        foreach (var (notification, actions) in made)
            deliveries.Enqueue(new PushDelivery(notification.UserId, json, actions.Tweaks, members.GetValueOrDefault(record.Sender)?.DisplayName,
                roomName, roomAlias));
    }

    private sealed record Member(string Membership, string? DisplayName);

    /// <summary>Member events already read, by event id: events never change, and every event of a room asks for the same ones.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string UserId, Member Member)> _memberEvents = new(StringComparer.Ordinal);

    /// <summary>Member events kept at most; the cache starts over beyond that.</summary>
    private const int MemberEventCacheSize = 200_000;

    /// <summary>Membership and display name of everyone with a member event in the state.</summary>
    private async Task<Dictionary<string, Member>> MembersAsync(StateMap state, CancellationToken cancellationToken)
    {
        var ids = state.Where(e => e.Key.Type == "m.room.member").Select(e => e.Value).ToList();
        var result = new Dictionary<string, Member>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var id in ids)
        {
            if (_memberEvents.TryGetValue(id, out var known)) result[known.UserId] = known.Member;
            else missing.Add(id);
        }
        if (missing.Count == 0)
            return result;
        if (_memberEvents.Count + missing.Count > MemberEventCacheSize)
            _memberEvents.Clear();
        foreach (var member in await events.GetEventsAsync(missing, cancellationToken))
        {
            if (member.StateKey is null || JsonNode.Parse(member.Json)?["content"] is not JsonObject content) continue;
            var parsed = new Member(Text(content["membership"]) ?? "", Text(content["displayname"]));
            result[member.StateKey] = parsed;
            _memberEvents[member.EventId] = (member.StateKey, parsed);
        }
        return result;
    }

    /// <summary>The sender's power level and the room's notification levels, per the room version's rules.</summary>
    private async Task<(long SenderLevel, IReadOnlyDictionary<string, long> NotificationLevels)> PowerAsync(EventRecord record, StateMap state,
        CancellationToken cancellationToken)
    {
        if (await events.GetRoomAsync(record.RoomId, cancellationToken) is not { } room || RoomVersionRegistry.Find(room.RoomVersion) is not { } version)
            return (0, new Dictionary<string, long>());
        var powerLevels = state.TryGetValue(("m.room.power_levels", ""), out var powerId) ? await PduAsync(powerId, version, cancellationToken) : null;
        var create = state.TryGetValue(("m.room.create", ""), out var createId) ? await PduAsync(createId, version, cancellationToken) : null;
        var levels = PowerLevels.Of(powerLevels);
        var creators = create is null ? RoomCreators.None : RoomCreators.Of(create);
        return (levels.UserLevel(record.Sender, creators), levels.Notifications);
    }

    private async Task<Pdu?> PduAsync(string eventId, RoomVersion version, CancellationToken cancellationToken) =>
        await events.GetEventAsync(eventId, cancellationToken) is { } e && JsonNode.Parse(e.Json) is JsonObject json
            ? Pdu.FromJson(json, version, e.EventId)
            : null;

    private async Task<string?> StateTextAsync(StateMap state, string type, string field, CancellationToken cancellationToken) =>
        state.TryGetValue((type, ""), out var id) && await events.GetEventAsync(id, cancellationToken) is { } e
            ? Text(JsonNode.Parse(e.Json)?["content"]?[field])
            : null;

    /// <summary>
    /// The root of the thread the event belongs to, following its relations up to <see cref="MaxThreadHops"/>
    /// times until one is an <c>m.thread</c> relation; <see cref="MainThread"/> otherwise.
    /// </summary>
    private async Task<string> ThreadOfAsync(JsonObject json, CancellationToken cancellationToken)
    {
        var current = json;
        for (var hop = 0; hop < MaxThreadHops; hop++)
        {
            if (current["content"]?["m.relates_to"] is not JsonObject relation || Text(relation["event_id"]) is not { } related)
                return MainThread;
            if (Text(relation["rel_type"]) == "m.thread")
                return related;
            if (await events.GetEventAsync(related, cancellationToken) is not { } parent || JsonNode.Parse(parent.Json) is not JsonObject parentJson)
                return MainThread;
            current = parentJson;
        }
        return MainThread;
    }

    private bool IsLocal(string userId) => UserId.TryParse(userId, out var id) && id.Server.ToString() == server.ServerName;

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
