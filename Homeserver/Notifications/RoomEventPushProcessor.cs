using System.Collections.Concurrent;
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
/// event of committed batches, except for its sender, as the room was just before the event. Events the
/// rules say to notify about become notification records; their users' syncs are woken and their pushers
/// are given the notification. A local sender's event also marks its thread read for the sender.
/// The state each room was in after its last evaluated event is kept (<see cref="RoomPushState"/>), so the
/// next event continuing from it needs no state read; the batches' events are read with one query and all
/// their notifications and read marks written in one transaction. Used by one caller at a time.
/// </summary>
public sealed partial class RoomEventPushProcessor(IRoomEventStore events, PushRuleSets ruleSets, INotificationStore notifications,
    IPusherStore pushers, SyncWakeups wakeups, PushDeliveryQueue deliveries, ServerIdentity server, TimeProvider time,
    ILogger<RoomEventPushProcessor> logger)
{
    /// <summary>Evaluations taking longer are logged as warnings: syncs wait for them (up to a limit).</summary>
    public static readonly TimeSpan SlowEvaluation = TimeSpan.FromMilliseconds(500);

    /// <summary>The thread of an event is found within this many relations (the spec recommends 3).</summary>
    public const int MaxThreadHops = 3;

    public const string MainThread = "main";

    /// <summary>Rooms whose state is kept at most; the cache starts over beyond that.</summary>
    public const int MaxRoomsKept = 2_000;

    /// <summary>Member events kept at most; the cache starts over beyond that.</summary>
    private const int MemberEventCacheSize = 200_000;

    private readonly ConcurrentDictionary<string, RoomPushState> _rooms = new(StringComparer.Ordinal);

    /// <summary>Member events already read, by event id: events never change, and reading a room's state asks for them all.</summary>
    private readonly ConcurrentDictionary<string, (string UserId, PushMember Member)> _memberEvents = new(StringComparer.Ordinal);

    /// <summary>Evaluates the events of the batches, room by room in stream order, and stores what they produced.</summary>
    public async Task ProcessAsync(IReadOnlyList<RoomEventsCommitted> batches, CancellationToken cancellationToken)
    {
        var ids = batches.SelectMany(b => b.EventIds).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0) return;
        var started = time.GetTimestamp();
        var records = await events.GetEventsAsync(ids, cancellationToken);
        var outcome = new Outcome();
        // Only events clients are served: not outliers, rejected or soft-failed ones.
        var served = records.Where(r => r.StreamOrdering is not null && !r.IsOutlier && !r.IsRejected && !r.IsSoftFailed);
        foreach (var room in served.GroupBy(r => r.RoomId, StringComparer.Ordinal))
        {
            try
            {
                await ProcessRoomAsync(room.Key, [.. room.OrderBy(r => r.StreamOrdering)], outcome, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogRoomFailed(e, room.Key);
            }
        }
        var evaluated = time.GetTimestamp();
        if (outcome.Notifications.Count > 0 || outcome.ReadMarks.Count > 0)
            await notifications.RecordAsync(outcome.Notifications, outcome.ReadMarks, cancellationToken);
        var written = time.GetTimestamp();
        if (outcome.Notifications.Count > 0)
        {
            var notified = outcome.Notifications.Select(n => n.UserId).Distinct(StringComparer.Ordinal).ToList();
            wakeups.SignalUsers(notified);
            await DeliverAsync(notified, outcome.Deliveries, cancellationToken);
        }
        var elapsed = time.GetElapsedTime(started);
        if (elapsed > SlowEvaluation)
            LogSlow(batches.Count, ids.Count, outcome.StateReads, outcome.Notifications.Count, (long)elapsed.TotalMilliseconds,
                (long)time.GetElapsedTime(started, evaluated).TotalMilliseconds, (long)time.GetElapsedTime(evaluated, written).TotalMilliseconds);
    }

    /// <summary>Hands the notifications of users with an HTTP pusher to the push queue (most users have none).</summary>
    private async Task DeliverAsync(List<string> notified, List<PushDelivery> pending, CancellationToken cancellationToken)
    {
        var withPusher = new HashSet<string>(StringComparer.Ordinal);
        foreach (var userId in notified)
            if ((await pushers.GetForUserAsync(userId, cancellationToken)).Any(p => p.Kind == PusherKinds.Http))
                withPusher.Add(userId);
        foreach (var delivery in pending)
            if (withPusher.Contains(delivery.UserId))
                deliveries.Enqueue(delivery);
    }

    /// <summary>What evaluating the batches produced, written together at the end.</summary>
    private sealed class Outcome
    {
        public List<NotificationRecord> Notifications { get; } = [];
        public List<SentEventReadMark> ReadMarks { get; } = [];
        public List<PushDelivery> Deliveries { get; } = [];

        /// <summary>Events whose state before was read from the database (not carried from the previous event).</summary>
        public int StateReads { get; set; }
    }

    private async Task ProcessRoomAsync(string roomId, IReadOnlyList<EventRecord> roomEvents, Outcome outcome, CancellationToken cancellationToken)
    {
        // Taken out while in use, put back when done: a failure leaves no half-advanced state behind.
        _rooms.TryRemove(roomId, out var state);
        foreach (var record in roomEvents)
        {
            if (JsonNode.Parse(record.Json) is not JsonObject json) continue;
            if (state is null || !state.Precedes(json))
            {
                state = await LoadStateBeforeAsync(record, state?.Version, cancellationToken);
                outcome.StateReads++;
            }
            if (state is null) continue;
            json["event_id"] = record.EventId;
            await ProcessEventAsync(record, json, state, outcome, cancellationToken);
            var version = state.Version;
            state.Apply(record.EventId, record.Type, record.StateKey, json["content"] as JsonObject ?? [],
                () => version is null ? null : ParsePdu(record, version));
        }
        if (state is null) return;
        if (_rooms.Count >= MaxRoomsKept)
            _rooms.Clear();
        _rooms[roomId] = state;
    }

    private async Task ProcessEventAsync(EventRecord record, JsonObject json, RoomPushState state, Outcome outcome, CancellationToken cancellationToken)
    {
        var threadId = await ThreadOfAsync(json, cancellationToken);
        var position = record.StreamOrdering!.Value;
        if (IsLocal(record.Sender))
            outcome.ReadMarks.Add(new SentEventReadMark(record.Sender, record.RoomId, threadId, position));

        var recipients = new List<string>(state.LocalJoined.Count + 1);
        foreach (var userId in state.LocalJoined)
            if (userId != record.Sender) recipients.Add(userId);
        if (record.Type == "m.room.member" && record.StateKey is { } target && target != record.Sender && IsLocal(target)
            && json["content"]?["membership"] is JsonValue membership && membership.TryGetValue<string>(out var m) && m == "invite"
            && !recipients.Contains(target))
            recipients.Add(target);
        if (recipients.Count == 0) return;

        var pushEvent = new PushEvent(json, state.JoinedCount, state.PowerLevels.UserLevel(record.Sender, state.Creators), state.PowerLevels.Notifications);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var senderName = state.Member(record.Sender)?.DisplayName;
        foreach (var userId in recipients)
        {
            var rules = await ruleSets.GetCompiledAsync(userId, cancellationToken);
            if (rules.Evaluate(pushEvent, state.Member(userId)?.DisplayName) is not { Notify: true } actions) continue;
            outcome.Notifications.Add(new NotificationRecord(userId, record.RoomId, record.EventId, position, threadId, actions.Highlight,
                actions.ActionsJson, now));
            outcome.Deliveries.Add(new PushDelivery(userId, json, actions.Tweaks, senderName, state.Name, state.Alias));
        }
    }

    /// <summary>The room's state before the event, read from the database: members, power levels, create event, name and alias.</summary>
    private async Task<RoomPushState?> LoadStateBeforeAsync(EventRecord record, RoomVersion? knownVersion, CancellationToken cancellationToken)
    {
        if (await events.GetStateBeforeAsync(record.EventId, cancellationToken) is not { } state) return null;
        var version = knownVersion ?? (await events.GetRoomAsync(record.RoomId, cancellationToken) is { } room
            ? RoomVersionRegistry.Find(room.RoomVersion)
            : null);

        var members = new Dictionary<string, PushMember>(StringComparer.Ordinal);
        var wanted = new List<string>();
        foreach (var (key, id) in state)
        {
            if (key.Type == "m.room.member")
            {
                if (_memberEvents.TryGetValue(id, out var known)) members[known.UserId] = known.Member;
                else wanted.Add(id);
            }
            else if (key.StateKey == "" && key.Type is "m.room.power_levels" or "m.room.create" or "m.room.name" or "m.room.canonical_alias")
            {
                wanted.Add(id);
            }
        }
        var byType = new Dictionary<string, EventRecord>(StringComparer.Ordinal);
        if (wanted.Count > 0)
        {
            if (_memberEvents.Count + wanted.Count > MemberEventCacheSize)
                _memberEvents.Clear();
            foreach (var stateEvent in await events.GetEventsAsync(wanted, cancellationToken))
            {
                if (stateEvent.Type != "m.room.member")
                {
                    byType[stateEvent.Type] = stateEvent;
                    continue;
                }
                if (stateEvent.StateKey is null || JsonNode.Parse(stateEvent.Json)?["content"] is not JsonObject content) continue;
                var member = RoomPushState.MemberOf(content);
                members[stateEvent.StateKey] = member;
                _memberEvents[stateEvent.EventId] = (stateEvent.StateKey, member);
            }
        }
        var powerLevels = version is not null && byType.TryGetValue("m.room.power_levels", out var p) ? ParsePdu(p, version) : null;
        var create = version is not null && byType.TryGetValue("m.room.create", out var c) ? ParsePdu(c, version) : null;
        return new RoomPushState(version, members, powerLevels, create, ContentText(byType, "m.room.name", "name"),
            ContentText(byType, "m.room.canonical_alias", "alias"), IsLocal);
    }

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

    private static Pdu ParsePdu(EventRecord record, RoomVersion version) =>
        Pdu.FromJson(JsonNode.Parse(record.Json) as JsonObject ?? throw new InvalidDataException($"stored event {record.EventId} is not an object"),
            version, record.EventId);

    private static string? ContentText(Dictionary<string, EventRecord> byType, string type, string field) =>
        byType.TryGetValue(type, out var record) ? Text(JsonNode.Parse(record.Json)?["content"]?[field]) : null;

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning,
        Message = "Push evaluation of {Batches} batches ({Events} events, {StateReads} state reads, {Notifications} notifications) took {Milliseconds} ms: {ReadAndEvaluateMilliseconds} ms reading and evaluating, {WriteMilliseconds} ms writing")]
    private partial void LogSlow(int batches, int events, int stateReads, int notifications, long milliseconds, long readAndEvaluateMilliseconds, long writeMilliseconds);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "Push evaluation of events in {RoomId} failed")]
    private partial void LogRoomFailed(Exception exception, string roomId);

    private bool IsLocal(string userId) => UserId.TryParse(userId, out var id) && id.Server.ToString() == server.ServerName;

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
