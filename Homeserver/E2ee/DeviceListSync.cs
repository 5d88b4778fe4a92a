using System.Text.Json.Nodes;
using Homeserver.Storage.E2ee;
using Homeserver.Storage.Events;
using Homeserver.Sync;

namespace Homeserver.E2ee;

/// <summary>
/// The device-list part of <c>/sync</c> and <c>/keys/changes</c>. <c>changed</c>: users whose devices or
/// cross-signing keys changed in the range and who share a joined room with the syncing user now (any room,
/// encrypted or not, as Synapse does; the user's own changes included), plus users who started sharing a room
/// with the syncing user in the range (they joined one of the user's rooms or the user joined theirs).
/// <c>left</c>: users who stopped sharing any room with the syncing user through a membership change in the range.
/// Both are empty on an initial sync. One-time key counts and unused fallback key types are always given.
/// </summary>
public sealed class DeviceListSync(
    IDeviceListStore changes, IOneTimeKeyStore oneTimeKeys, IFallbackKeyStore fallbackKeys, IRoomEventStore events,
    IRoomTimelineStore timeline, CurrentStateReader state, SharedRooms sharedRooms) : IDeviceListSync
{
    /// <summary>The most membership events read per room and range; more is beyond what an incremental sync needs.</summary>
    private const int MaxMemberEventsPerRoom = 1000;

    public Task<long> GetCurrentPositionAsync(CancellationToken cancellationToken) => changes.GetCurrentPositionAsync(cancellationToken);

    public async Task<DeviceListSyncData> GetAsync(DeviceListSyncRequest request, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal) { [KeyUploadService.SignedCurve25519] = 0 };
        IReadOnlyList<string> unusedFallback = [];
        if (request.DeviceId is { } deviceId)
        {
            foreach (var (algorithm, count) in await oneTimeKeys.CountAsync(request.UserId, deviceId, cancellationToken))
                counts[algorithm] = count;
            unusedFallback = await fallbackKeys.GetUnusedAlgorithmsAsync(request.UserId, deviceId, cancellationToken);
        }
        if (request.SinceDeviceLists is not { } since)
            return new DeviceListSyncData([], [], counts, unusedFallback);

        var (changed, left) = await ChangesAsync(request.UserId, request.JoinedRooms, since, request.UpToDeviceLists,
            request.SinceRoom, request.UpToRoom, cancellationToken);
        return new DeviceListSyncData(changed, left, counts, unusedFallback);
    }

    /// <summary>The <c>changed</c> and <c>left</c> users between two positions of the device-list and room streams.</summary>
    public async Task<(IReadOnlyList<string> Changed, IReadOnlyList<string> Left)> ChangesAsync(string userId, IReadOnlyList<string> joinedRooms,
        long sinceDeviceLists, long upToDeviceLists, long? sinceRoom, long upToRoom, CancellationToken cancellationToken)
    {
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var leftCandidates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var other in await changes.GetChangedUsersAsync(sinceDeviceLists, upToDeviceLists, cancellationToken))
        {
            if (other == userId || await sharedRooms.IsJoinedToAnyAsync(other, joinedRooms, cancellationToken))
                changed.Add(other);
        }

        if (sinceRoom is { } after && upToRoom > after)
        {
            // The user's own joins and leaves: everyone in a newly joined room is new, everyone in a left room may be gone.
            var ownChanges = await timeline.GetMembershipChangesAsync(userId, after, upToRoom, cancellationToken);
            foreach (var room in ownChanges.GroupBy(c => c.RoomId, StringComparer.Ordinal))
            {
                var target = joinedRooms.Contains(room.Key) ? changed : leftCandidates;
                foreach (var member in await JoinedMembersAsync(room.Key, cancellationToken))
                    if (member != userId) target.Add(member);
            }
            // Other users' joins and leaves in the user's rooms (only those that moved, when the range is short enough to ask).
            var moved = upToRoom - after <= SyncService.MaxRangeForChangedRooms
                ? await timeline.GetRoomsChangedBetweenAsync(after, upToRoom, cancellationToken)
                : null;
            foreach (var roomId in joinedRooms.Where(r => moved is null || moved.Contains(r)))
            {
                var roomEvents = await timeline.GetRoomEventsAsync(roomId, after, upToRoom, backwards: false, MaxMemberEventsPerRoom, cancellationToken);
                foreach (var member in roomEvents.Where(e => e.Type == "m.room.member" && e.StateKey is { Length: > 0 } && e.StateKey != userId)
                    .Select(e => e.StateKey!).Distinct(StringComparer.Ordinal))
                {
                    if (await state.MembershipAsync(roomId, member, cancellationToken) == "join")
                        changed.Add(member);
                    else
                        leftCandidates.Add(member);
                }
            }
        }

        var left = new List<string>();
        foreach (var candidate in leftCandidates.Where(c => !changed.Contains(c)))
        {
            if (!await sharedRooms.IsJoinedToAnyAsync(candidate, joinedRooms, cancellationToken))
                left.Add(candidate);
        }
        return ([.. changed.Order(StringComparer.Ordinal)], [.. left.Order(StringComparer.Ordinal)]);
    }

    /// <summary>The users whose current membership of the room is <c>join</c>.</summary>
    private async Task<List<string>> JoinedMembersAsync(string roomId, CancellationToken cancellationToken)
    {
        var current = await events.GetCurrentStateAsync(roomId, cancellationToken);
        var memberEventIds = current.Where(e => e.Key.Type == "m.room.member").Select(e => e.Value).ToList();
        var joined = new List<string>();
        foreach (var record in await events.GetEventsAsync(memberEventIds, cancellationToken))
        {
            if (record.StateKey is { } member && JsonNode.Parse(record.Json)?["content"]?["membership"] is JsonValue value
                && value.TryGetValue(out string? membership) && membership == "join")
                joined.Add(member);
        }
        return joined;
    }
}
