using System.Diagnostics;
using System.Text.Json.Nodes;
using Homeserver.Storage.Events;
using Homeserver.Storage.Streams;
using Homeserver.Storage.UserData;

namespace Homeserver.Sync;

/// <summary>
/// Builds <c>/sync</c> responses: everything between the request's <c>since</c> token and the
/// highest committed positions now. An incremental sync that finds nothing waits for a
/// <see cref="SyncWakeups"/> signal for its user or its rooms until the timeout and then looks again.
/// The encryption streams come from <see cref="IToDeviceSync"/> and <see cref="IDeviceListSync"/> when
/// they are registered.
/// </summary>
public sealed class SyncService(SyncStartReader syncStart, IAccountDataStore accountData,
    SyncWakeups wakeups, RoomSyncBuilder rooms, TypingTracker typing, ReceiptEvents receipts,
    PresenceTracker presence, SharedRooms sharedRooms, IToDeviceSync? toDevice = null,
    IDeviceListSync? deviceLists = null, IUnreadNotificationCounts? unreadCounts = null, RemoteInviteSync? remoteInvites = null,
    IPresencePublisher? presencePublisher = null)
{
    /// <summary>The longest a sync waits, whatever the client asks.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest stream range (in positions) for which an incremental sync first asks which rooms moved; beyond it
    /// (a client back after a long time) every joined room is read.
    /// </summary>
    public const long MaxRangeForChangedRooms = 100_000;

    /// <summary>Rooms of one response read at the same time: enough to overlap database round trips, few enough to share the pool.</summary>
    private const int RoomsBuiltConcurrently = 8;

    public async Task<JsonObject> SyncAsync(SyncRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        if (presence.TouchFromSync(request.UserId, request.SetPresence) is { } changed && presencePublisher is not null)
            await presencePublisher.PublishAsync(changed, cancellationToken);
        var timeout = request.Timeout > MaxTimeout ? MaxTimeout : request.Timeout;
        while (true)
        {
            // Taken before reading: a signal during the read makes the wait below return at once.
            var ticket = wakeups.BeginRead();
            Built built;
            try
            {
                built = await BuildAsync(request, cancellationToken);
            }
            catch
            {
                wakeups.EndRead(ticket);
                throw;
            }
            var remaining = timeout - Stopwatch.GetElapsedTime(started);
            if (!built.IsEmpty || request.Since is null || request.FullState || remaining <= TimeSpan.Zero)
            {
                wakeups.EndRead(ticket);
                return built.Response;
            }
            using var wait = wakeups.Wait(ticket, request.UserId, built.WakeRooms);
            try
            {
                await wait.Task.WaitAsync(remaining, cancellationToken);
            }
            catch (TimeoutException)
            {
                return built.Response;
            }
        }
    }

    /// <summary>A response, whether it carries nothing new, and the rooms whose changes should wake a wait for it.</summary>
    private sealed record Built(JsonObject Response, bool IsEmpty, IReadOnlyList<string> WakeRooms);

    private async Task<Built> BuildAsync(SyncRequest request, CancellationToken cancellationToken)
    {
        var since = request.Since;
        // The streams' positions, and the user's rooms, in one round trip.
        var start = await syncStart.ReadAsync(request.UserId, since?.Room, MaxRangeForChangedRooms, cancellationToken);
        var positions = start.Positions;
        var remoteInvitePosition = remoteInvites is null ? 0 : positions.RemoteInvites;
        var current = new SyncToken(
            Math.Max(positions.Room, remoteInvitePosition),
            positions.AccountData,
            typing.CurrentPosition,
            positions.Receipts,
            presence.CurrentPosition,
            toDevice is null ? 0 : positions.ToDevice,
            deviceLists is null ? 0 : positions.DeviceLists);
        // A token from beyond the current positions never moves the client backwards.
        var to = since is { } s ? s.Max(current) : current;
        var sinceAccountData = since?.AccountData ?? 0;
        // A sync wake-up waits for every sequential round trip made here: what depends only on the positions is asked at once,
        // what depends only on the user's rooms as soon as they are known, while the rooms are read.
        var toDeviceRead = toDevice is not null && request.DeviceId is { } deviceId
            ? toDevice.GetAsync(request.UserId, deviceId, since?.ToDevice ?? 0, to.ToDevice, cancellationToken)
            : null;
        // A stream that has not moved since the token has nothing new: its read is skipped (a wake-up usually moves one stream).
        var accountDataRead = since is not null && sinceAccountData >= to.AccountData
            ? Task.FromResult<IReadOnlyList<AccountDataRecord>>([])
            : accountData.GetAccountDataChangedSinceAsync(request.UserId, sinceAccountData, cancellationToken);
        var roomList = RoomListOf(request, to, start);
        var presenceRead = PresenceEventsAsync(request, roomList.AllJoined, to.Presence, cancellationToken);
        var deviceListRead = deviceLists?.GetAsync(new DeviceListSyncRequest(request.UserId, request.DeviceId,
            since?.DeviceLists, to.DeviceLists, since?.Room, to.Room, roomList.AllJoined, roomList.ChangedRooms, roomList.Memberships),
            cancellationToken);

        var changes = (await accountDataRead).Where(c => c.StreamPosition <= to.AccountData).ToList();
        var global = new JsonArray();
        foreach (var change in changes.Where(c => c.RoomId == IAccountDataStore.GlobalRoomId && request.Filter.AccountData.Allows(c.Type, request.UserId)))
            global.Add(AccountDataEvent(change));
        var roomAccountData = changes.Where(c => c.RoomId != IAccountDataStore.GlobalRoomId && request.Filter.RoomAccountData.Allows(c.Type, request.UserId))
            .GroupBy(c => c.RoomId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new JsonArray([.. g.Select(AccountDataEvent)]), StringComparer.Ordinal);

        var roomSections = await BuildRoomsAsync(request, to, roomList, roomAccountData, remoteInvitePosition, cancellationToken);
        var presenceEvents = await presenceRead;

        var toDeviceEvents = new JsonArray();
        if (toDeviceRead is not null)
        {
            var batch = await toDeviceRead;
            toDeviceEvents = batch.Events;
            to = to with { ToDevice = batch.NextPosition };
        }
        var deviceListData = deviceListRead is null ? null : await deviceListRead;

        var isEmpty = global.Count == 0 && presenceEvents.Count == 0 && roomSections.Join.Count == 0 && roomSections.Invite.Count == 0
            && roomSections.Leave.Count == 0 && toDeviceEvents.Count == 0
            && (deviceListData is null || (deviceListData.Changed.Count == 0 && deviceListData.Left.Count == 0));
        var response = new JsonObject
        {
            ["next_batch"] = to.ToString(),
            ["rooms"] = new JsonObject
            {
                ["join"] = roomSections.Join,
                ["invite"] = roomSections.Invite,
                ["leave"] = roomSections.Leave,
                ["knock"] = new JsonObject(),
            },
            ["account_data"] = new JsonObject { ["events"] = global },
            ["presence"] = new JsonObject { ["events"] = presenceEvents },
            ["to_device"] = new JsonObject { ["events"] = toDeviceEvents },
            ["device_lists"] = new JsonObject
            {
                ["changed"] = new JsonArray([.. (deviceListData?.Changed ?? []).Select(u => JsonValue.Create(u))]),
                ["left"] = new JsonArray([.. (deviceListData?.Left ?? []).Select(u => JsonValue.Create(u))]),
            },
            ["device_one_time_keys_count"] = new JsonObject([.. (deviceListData?.OneTimeKeyCounts ?? new Dictionary<string, long>())
                .Select(c => KeyValuePair.Create(c.Key, (JsonNode?)JsonValue.Create(c.Value)))]),
        };
        if (deviceListData is not null)
            response["device_unused_fallback_key_types"] = new JsonArray([.. deviceListData.UnusedFallbackKeyTypes.Select(t => JsonValue.Create(t))]);
        return new Built(response, isEmpty, roomList.WakeRooms);
    }

    /// <summary>
    /// The user's rooms as the sync sorts them: the user's membership changes (few per user, read through an index), the rooms
    /// the user is joined to now (<paramref name="Joined"/>: those the filter allows), the rooms whose changes should wake a wait,
    /// the forgotten rooms, and the rooms that moved since the token (null: read every room).
    /// </summary>
    private sealed record RoomList(IReadOnlyList<MembershipChange> Memberships, List<string> AllJoined, List<string> Joined,
        List<string> WakeRooms, IReadOnlySet<string> Forgotten, IReadOnlySet<string>? ChangedRooms);

    /// <summary>The rooms' sections of the response.</summary>
    private sealed record RoomSections(JsonObject Join, JsonObject Invite, JsonObject Leave);

    /// <summary>Presence changes since the token of the other users who share a joined room with the user.</summary>
    private async Task<JsonArray> PresenceEventsAsync(SyncRequest request, List<string> joinedRooms, long upTo, CancellationToken cancellationToken)
    {
        var changes = presence.ChangedBetween(request.Since?.Presence ?? 0, upTo)
            .Where(c => c.UserId != request.UserId && request.Filter.Presence.Allows("m.presence", c.UserId)).ToList();
        if (changes.Count == 0)
            return [];
        // Who of them shares a room with the user: one read for all of them.
        var sharing = await sharedRooms.JoinedToAnyAsync([.. changes.Select(c => c.UserId).Distinct(StringComparer.Ordinal)], joinedRooms,
            cancellationToken);
        return new JsonArray([.. changes.Where(c => sharing.Contains(c.UserId)).Select(c => (JsonNode)presence.ToEvent(c))]);
    }

    private static RoomList RoomListOf(SyncRequest request, SyncToken to, SyncStart start)
    {
        // The membership changes and moved rooms were read after the positions: cut at the token's bound.
        var memberships = start.Memberships.Where(m => m.StreamOrdering <= to.Room).ToList();
        // An incremental sync reads only the joined rooms that moved (read over a bounded range); null: read them all.
        var changedRooms = request.Since?.Room is { } from && to.Room - from <= MaxRangeForChangedRooms ? start.MovedRooms : null;
        var byRoom = memberships.GroupBy(m => m.RoomId, StringComparer.Ordinal).ToList();
        var allJoined = byRoom.Where(g => g.Last().Membership == "join").Select(g => g.Key).ToList();
        return new RoomList(memberships, allJoined, allJoined.Where(request.Filter.Rooms.AllowsRoom).ToList(),
            byRoom.Where(g => g.Last().Membership is "join" or "invite" or "knock").Select(g => g.Key).ToList(),
            start.Forgotten, changedRooms);
    }

    /// <summary>Builds each room's section, and the unread counts of the joined rooms returned.</summary>
    private async Task<RoomSections> BuildRoomsAsync(SyncRequest request, SyncToken to, RoomList roomList,
        Dictionary<string, JsonArray> roomAccountData, long remoteInvitePosition, CancellationToken cancellationToken)
    {
        var sinceRoom = request.Since?.Room;
        var memberships = roomList.Memberships;
        var sections = new RoomSections(new JsonObject(), new JsonObject(), new JsonObject());
        var receiptEvents = request.Since is { } sinceToken && sinceToken.Receipts >= to.Receipts
            ? []
            : await receipts.GetReceiptEventsAsync(roomList.Joined, request.UserId, request.Since?.Receipts ?? 0, to.Receipts, cancellationToken);
        // Every joined room gets its full state (an initial sync, or full_state): their reads are made together.
        var prefetch = sinceRoom is null || request.FullState
            ? await rooms.PrefetchAsync(request, roomList.Joined, sinceRoom ?? 0, to.Room, cancellationToken)
            : null;
        var context = new RoomBuildContext(request, to, roomAccountData, receiptEvents, roomList.Forgotten, roomList.ChangedRooms, prefetch);
        var roomsToBuild = memberships.GroupBy(m => m.RoomId, StringComparer.Ordinal).Where(g => request.Filter.Rooms.AllowsRoom(g.Key)).ToList();
        // The unread counts of the joined rooms that may be returned, in one read made while the rooms are built.
        var countsRead = unreadCounts?.ReadAsync([.. roomsToBuild.Where(room => MayBeReturnedJoined(context, room)).Select(room => room.Key)],
            request, to.Room, cancellationToken);
        // Rooms are read concurrently (each is a few round trips to the database, or none with the prefetch), then put in order.
        var built = new (RoomKind Kind, JsonObject Section)?[roomsToBuild.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, roomsToBuild.Count),
            new ParallelOptions { MaxDegreeOfParallelism = RoomsBuiltConcurrently, CancellationToken = cancellationToken },
            async (index, token) => built[index] = await BuildRoomAsync(context, roomsToBuild[index], token));
        var joinedSections = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        for (var index = 0; index < roomsToBuild.Count; index++)
        {
            if (built[index] is not { } result) continue;
            var target = result.Kind switch { RoomKind.Join => sections.Join, RoomKind.Invite => sections.Invite, _ => sections.Leave };
            target[roomsToBuild[index].Key] = result.Section;
            if (result.Kind == RoomKind.Join) joinedSections[roomsToBuild[index].Key] = result.Section;
        }
        if (countsRead is not null)
            (await countsRead).AddTo(joinedSections, request);
        if (remoteInvites is not null && (sinceRoom is null || request.FullState || remoteInvitePosition > sinceRoom))
            await remoteInvites.AddToAsync(sections.Invite, sections.Leave, request,
                memberships.GroupBy(m => m.RoomId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal),
                to.Room, cancellationToken);
        return sections;
    }

    private enum RoomKind { Join, Invite, Leave }

    /// <summary>What every room of one sync response shares.</summary>
    private sealed record RoomBuildContext(SyncRequest Request, SyncToken To, Dictionary<string, JsonArray> RoomAccountData,
        IReadOnlyDictionary<string, JsonObject> ReceiptEvents, IReadOnlySet<string> Forgotten, IReadOnlySet<string>? ChangedRooms,
        RoomsPrefetch? Prefetch);

    /// <summary>One room's section of the response by the user's membership changes in it, or null when the room has none.</summary>
    private async Task<(RoomKind Kind, JsonObject Section)?> BuildRoomAsync(RoomBuildContext context, IGrouping<string, MembershipChange> room,
        CancellationToken cancellationToken)
    {
        var (request, to, roomAccountData, receiptEvents, forgotten, changedRooms, prefetch) = context;
        var sinceRoom = request.Since?.Room;
        var latest = room.Last();
        var atSince = sinceRoom is { } position ? room.LastOrDefault(m => m.StreamOrdering <= position)?.Membership : null;
        var changedSince = sinceRoom is null || latest.StreamOrdering > sinceRoom;
        var accountDataEvents = roomAccountData.GetValueOrDefault(room.Key) ?? [];
        switch (latest.Membership)
        {
            case "join":
            {
                if (!MayBeReturnedJoined(context, room))
                    return null; // nothing new in the room: no need to read it
                var ongoing = IsOngoing(request, room);
                var ephemeral = new JsonArray();
                if (typing.GetTypingEvent(room.Key, ongoing ? request.Since!.Value.Typing : null) is { } typingEvent)
                    ephemeral.Add(typingEvent);
                if (receiptEvents.TryGetValue(room.Key, out var receiptEvent))
                    ephemeral.Add(receiptEvent);
                var state = ongoing ? RoomStateMode.Delta : RoomStateMode.Full;
                var section = await rooms.BuildAsync(request, room.Key, sinceRoom ?? 0, to.Room, state, cancellationToken, prefetch: prefetch);
                if (ongoing && !section.HasContent && accountDataEvents.Count == 0 && ephemeral.Count == 0)
                    return null;
                // The summary is sent when it may have changed; clients keep the last one.
                var summary = !ongoing || section.HasMemberEvents ? await rooms.SummaryAsync(room.Key, request.UserId, cancellationToken, prefetch) : [];
                return (RoomKind.Join, rooms.JoinedRoom(section, accountDataEvents, ephemeral, summary));
            }
            case "invite" when changedSince || request.FullState:
                return (RoomKind.Invite, await rooms.InvitedRoomAsync(latest, cancellationToken));
            case "leave" or "ban" when (sinceRoom is null ? request.Filter.IncludeLeave : changedSince) && !forgotten.Contains(room.Key):
            {
                // History up to the leave only for rooms the user was in; a rejected invite shows just the leave.
                var wasJoined = room.Any(m => m.Membership == "join" && (sinceRoom is null || m.StreamOrdering > sinceRoom || atSince == "join"));
                var after = wasJoined ? sinceRoom ?? 0 : latest.StreamOrdering - 1;
                var state = !wasJoined ? RoomStateMode.None : atSince == "join" ? RoomStateMode.Delta : RoomStateMode.Full;
                var section = await rooms.BuildAsync(request, room.Key, after, latest.StreamOrdering, state, cancellationToken, stateSince: sinceRoom ?? 0);
                return (RoomKind.Leave, rooms.LeftRoom(section, accountDataEvents));
            }
            default:
                return null;
        }
    }

    /// <summary>Whether the user was joined at the token and stays so: only what changed since is sent.</summary>
    private static bool IsOngoing(SyncRequest request, IGrouping<string, MembershipChange> room) =>
        request.Since?.Room is { } sinceRoom && !request.FullState
        && room.LastOrDefault(m => m.StreamOrdering <= sinceRoom)?.Membership == "join";

    /// <summary>
    /// Whether the room is one the user is joined to that may get a section: not when the user was joined already at the token and
    /// the room neither moved nor has typing, receipts or account data for the user.
    /// </summary>
    private bool MayBeReturnedJoined(RoomBuildContext context, IGrouping<string, MembershipChange> room)
    {
        if (room.Last().Membership != "join")
            return false;
        if (!IsOngoing(context.Request, room) || context.ChangedRooms is null || context.ChangedRooms.Contains(room.Key))
            return true;
        return context.ReceiptEvents.ContainsKey(room.Key) || context.RoomAccountData.ContainsKey(room.Key)
            || typing.GetTypingEvent(room.Key, context.Request.Since!.Value.Typing) is not null;
    }

    private static JsonObject AccountDataEvent(AccountDataRecord record) => new()
    {
        ["type"] = record.Type,
        ["content"] = JsonNode.Parse(record.ContentJson),
    };
}
