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
/// event of committed batches, except for its sender, as the room was just before the event. The outcome most
/// joined members got is stored once for the room (<see cref="CommonPushOutcome"/>); members with another
/// notification, or none where the room's row gives one, get a row of their own, and so does the target of an
/// invite. Notified users' syncs are woken and their pushers are given the notification. A local sender's event
/// also marks its thread read for the sender, and a local user's join and leave bound their share of the room's notifications.
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
        var writes = outcome.Writes();
        if (!writes.IsEmpty)
            await notifications.RecordAsync(writes, cancellationToken);
        var written = time.GetTimestamp();
        if (outcome.Deliveries.Count > 0)
        {
            var notified = outcome.Deliveries.Select(d => d.UserId).Distinct(StringComparer.Ordinal).ToList();
            wakeups.SignalUsers(notified);
            await DeliverAsync(notified, outcome.Deliveries, cancellationToken);
        }
        var elapsed = time.GetElapsedTime(started);
        if (elapsed > SlowEvaluation)
            LogSlow(batches.Count, ids.Count, outcome.StateReads, outcome.Deliveries.Count, (long)elapsed.TotalMilliseconds,
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
        public List<RoomNotificationRecord> RoomNotifications { get; } = [];
        public List<NotificationRecord> UserNotifications { get; } = [];
        public List<NotificationSuppression> Suppressions { get; } = [];
        public List<NotificationAudienceChange> AudienceChanges { get; } = [];
        public List<SentEventReadMark> ReadMarks { get; } = [];

        /// <summary>One per notified user and event.</summary>
        public List<PushDelivery> Deliveries { get; } = [];

        public NotificationWrites Writes() => new()
        {
            RoomNotifications = RoomNotifications, UserNotifications = UserNotifications, Suppressions = Suppressions,
            AudienceChanges = AudienceChanges, ReadMarks = ReadMarks,
        };

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

        string? invited = null;
        if (record.Type == "m.room.member" && record.StateKey is { } target && IsLocal(target)
            && json["content"]?["membership"] is JsonValue membership && membership.TryGetValue<string>(out var m))
        {
            var wasJoined = state.Member(target)?.Membership == "join";
            if ((m == "join") != wasJoined)
                outcome.AudienceChanges.Add(new NotificationAudienceChange(target, record.RoomId, position, Joined: !wasJoined));
            if (m == "invite" && target != record.Sender && !wasJoined)
                invited = target;
        }

        var joined = new List<string>(state.LocalJoined.Count);
        foreach (var userId in state.LocalJoined)
            if (userId != record.Sender) joined.Add(userId);
        if (joined.Count == 0 && invited is null) return;

        var pushEvent = new PushEvent(json, state.JoinedCount, state.PowerLevels.UserLevel(record.Sender, state.Creators), state.PowerLevels.Notifications);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var senderName = state.Member(record.Sender)?.DisplayName;
        var outcomes = new PushActions?[joined.Count];
        for (var i = 0; i < joined.Count; i++)
            outcomes[i] = await EvaluateAsync(joined[i]);

        var common = CommonPushOutcome.Of(outcomes);
        if (common is not null)
            outcome.RoomNotifications.Add(new RoomNotificationRecord(record.RoomId, record.EventId, position, threadId, record.Sender,
                common.Highlight, common.ActionsJson, now));
        for (var i = 0; i < joined.Count; i++)
        {
            if (CommonPushOutcome.IsSame(outcomes[i], common)) continue;
            if (outcomes[i] is { } own) AddOwn(joined[i], own);
            else outcome.Suppressions.Add(new NotificationSuppression(joined[i], record.RoomId, record.EventId, position, threadId));
        }
        if (invited is not null && await EvaluateAsync(invited) is { } invite)
            AddOwn(invited, invite);

        async ValueTask<PushActions?> EvaluateAsync(string userId)
        {
            var rules = await ruleSets.GetCompiledAsync(userId, cancellationToken);
            if (rules.Evaluate(pushEvent, state.Member(userId)?.DisplayName) is not { Notify: true } actions) return null;
            outcome.Deliveries.Add(new PushDelivery(userId, json, actions.Tweaks, senderName, state.Name, state.Alias));
            return actions;
        }

        void AddOwn(string userId, PushActions actions) =>
            outcome.UserNotifications.Add(new NotificationRecord(userId, record.RoomId, record.EventId, position, threadId, actions.Highlight,
                actions.ActionsJson, now));
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
