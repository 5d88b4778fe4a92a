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
/// A sync wake-up waits for every sequential database round trip made here, so independent reads are made at the
/// same time and questions about many users or rooms are asked in one batched read each: at most three round trips
/// of waiting in all, one when the caller passes what it has read already and no device list or membership changed.
/// </summary>
public sealed class DeviceListSync(
    IDeviceListStore changes, IOneTimeKeyStore oneTimeKeys, IFallbackKeyStore fallbackKeys, IRoomEventStore events,
    IRoomTimelineStore timeline) : IDeviceListSync
{
    /// <summary>
    /// The most (room, member) pairs read from the member events of a range, the earliest first; an incremental sync sees
    /// far fewer (a long range can exceed it, as the earlier bound of 1,000 events per room could be).
    /// </summary>
    private const int MaxMembersChanged = 10_000;

    public Task<long> GetCurrentPositionAsync(CancellationToken cancellationToken) => changes.GetCurrentPositionAsync(cancellationToken);

    public async Task<DeviceListSyncData> GetAsync(DeviceListSyncRequest request, CancellationToken cancellationToken)
    {
        // The device's keys and the list changes are independent: read at the same time.
        var keysRead = DeviceKeysAsync(request.UserId, request.DeviceId, cancellationToken);
        var changesRead = request.SinceDeviceLists is { } since
            ? ChangesAsync(request.UserId, request.JoinedRooms, since, request.UpToDeviceLists, request.SinceRoom, request.UpToRoom,
                cancellationToken, request.RoomsChangedInRange, request.OwnMembershipChanges)
            : Task.FromResult<(IReadOnlyList<string> Changed, IReadOnlyList<string> Left)>(([], []));
        await Task.WhenAll(keysRead, changesRead);
        var (counts, unusedFallback) = keysRead.Result;
        var (changed, left) = changesRead.Result;
        return new DeviceListSyncData(changed, left, counts, unusedFallback);
    }

    /// <summary>
    /// The <c>changed</c> and <c>left</c> users between two positions of the device-list and room streams. The caller may pass
    /// the rooms changed in the room range and the user's membership changes if it has read them (null: read here).
    /// </summary>
    public async Task<(IReadOnlyList<string> Changed, IReadOnlyList<string> Left)> ChangesAsync(string userId, IReadOnlyList<string> joinedRooms,
        long sinceDeviceLists, long upToDeviceLists, long? sinceRoom, long upToRoom, CancellationToken cancellationToken,
        IReadOnlySet<string>? roomsChangedInRange = null, IReadOnlyList<MembershipChange>? ownMembershipChanges = null)
    {
        // Whose keys changed and whose memberships moved are independent: read at the same time (an empty range is not asked).
        var keysChangedRead = sinceDeviceLists < upToDeviceLists
            ? changes.GetChangedUsersAsync(sinceDeviceLists, upToDeviceLists, cancellationToken)
            : Task.FromResult<IReadOnlyList<string>>([]);
        var movesRead = sinceRoom is { } after && upToRoom > after
            ? MembershipMovesAsync(userId, joinedRooms, after, upToRoom, roomsChangedInRange, ownMembershipChanges, cancellationToken)
            : Task.FromResult(MembershipMoves.None);
        await Task.WhenAll(keysChangedRead, movesRead);
        var (keysChanged, moves) = (keysChangedRead.Result, movesRead.Result);

        // The current memberships that decide between changed and left, also read at the same time.
        var othersMembershipsRead = events.GetMembershipsAsync(moves.OthersMoved, cancellationToken);
        var othersToCheck = keysChanged.Concat(moves.OthersMoved.Select(m => m.UserId)).Concat(moves.LeftRoomMembers)
            .Where(u => u != userId).ToHashSet(StringComparer.Ordinal);
        var sharingRead = events.GetUsersJoinedToAnyAsync(othersToCheck, joinedRooms, cancellationToken);
        await Task.WhenAll(othersMembershipsRead, sharingRead);
        var (othersMemberships, sharing) = (othersMembershipsRead.Result, sharingRead.Result);

        var changed = new HashSet<string>(StringComparer.Ordinal);
        var leftCandidates = new HashSet<string>(StringComparer.Ordinal);
        // Key changes count from the users the user shares a room with now, and the user's own.
        changed.UnionWith(keysChanged.Where(other => other == userId || sharing.Contains(other)));
        // Everyone in a room the user joined is new; everyone in a room the user left may be gone.
        changed.UnionWith(moves.JoinedRoomMembers);
        leftCandidates.UnionWith(moves.LeftRoomMembers);
        // Someone who joined one of the user's rooms is new; someone no longer in it may be gone.
        foreach (var member in moves.OthersMoved)
            (othersMemberships.GetValueOrDefault(member) == "join" ? changed : leftCandidates).Add(member.UserId);
        // Gone are only those who share no joined room with the user any more.
        var left = leftCandidates.Where(c => !changed.Contains(c) && !sharing.Contains(c));
        return ([.. changed.Order(StringComparer.Ordinal)], [.. left.Order(StringComparer.Ordinal)]);
    }

    /// <summary>The device's one-time key counts (signed_curve25519 always given) and unused fallback key algorithms.</summary>
    private async Task<(Dictionary<string, long> Counts, IReadOnlyList<string> UnusedFallback)> DeviceKeysAsync(string userId, string? deviceId,
        CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal) { [KeyUploadService.SignedCurve25519] = 0 };
        if (deviceId is null)
            return (counts, []);
        // Independent: read at the same time.
        var countsRead = oneTimeKeys.CountAsync(userId, deviceId, cancellationToken);
        var unusedFallbackRead = fallbackKeys.GetUnusedAlgorithmsAsync(userId, deviceId, cancellationToken);
        await Task.WhenAll(countsRead, unusedFallbackRead);
        foreach (var (algorithm, count) in countsRead.Result)
            counts[algorithm] = count;
        return (counts, unusedFallbackRead.Result);
    }

    /// <summary>
    /// The users (never the syncing user) whose sharing of a room with the user may have changed in (after, upTo]: the members
    /// of the rooms the user joined or left, and those with member events in the user's joined rooms that moved.
    /// </summary>
    private async Task<MembershipMoves> MembershipMovesAsync(string userId, IReadOnlyList<string> joinedRooms, long after, long upTo,
        IReadOnlySet<string>? roomsChangedInRange, IReadOnlyList<MembershipChange>? ownMembershipChanges, CancellationToken cancellationToken)
    {
        // What the caller has not read already, read at the same time. The rooms changed are asked only over a range short
        // enough (as SyncService does); without them every joined room is looked at.
        var ownChangesRead = ownMembershipChanges is null
            ? timeline.GetMembershipChangesAsync(userId, after, upTo, cancellationToken)
            : Task.FromResult<IReadOnlyList<MembershipChange>>([.. ownMembershipChanges.Where(c => c.StreamOrdering > after && c.StreamOrdering <= upTo)]);
        var movedRoomsRead = roomsChangedInRange is null && upTo - after <= SyncService.MaxRangeForChangedRooms
            ? timeline.GetRoomsChangedBetweenAsync(after, upTo, cancellationToken)
            : null;
        await Task.WhenAll(ownChangesRead, movedRoomsRead ?? Task.CompletedTask);
        var movedRooms = roomsChangedInRange ?? movedRoomsRead?.Result;

        // The user's own joins and leaves, by room: whether the user is in the room now decides what its members are.
        var joined = joinedRooms.ToHashSet(StringComparer.Ordinal);
        var ownRooms = ownChangesRead.Result.Select(c => c.RoomId).Distinct(StringComparer.Ordinal).ToList();
        var roomsToScan = joinedRooms.Where(r => movedRooms is null || movedRooms.Contains(r)).ToList();
        // Their members and the other users' member events, read at the same time.
        var ownRoomMembersRead = events.GetUsersInRoomsAsync(ownRooms, "join", cancellationToken);
        var othersMovedRead = timeline.GetMembersChangedInRoomsAsync(roomsToScan, after, upTo, MaxMembersChanged, cancellationToken);
        await Task.WhenAll(ownRoomMembersRead, othersMovedRead);

        var ownRoomMembers = ownRoomMembersRead.Result;
        List<string> MembersOf(bool inRoomNow) => [.. ownRooms.Where(r => joined.Contains(r) == inRoomNow)
            .SelectMany(r => ownRoomMembers.GetValueOrDefault(r) ?? []).Where(m => m != userId).Distinct(StringComparer.Ordinal)];
        return new MembershipMoves(MembersOf(inRoomNow: true), MembersOf(inRoomNow: false),
            [.. othersMovedRead.Result.Where(m => m.UserId.Length > 0 && m.UserId != userId)]);
    }

    /// <summary>
    /// Membership moves of a range: the current members of the rooms the user joined and of those the user left, and the
    /// (room, user) of other users' member events in the user's joined rooms.
    /// </summary>
    private sealed record MembershipMoves(IReadOnlyList<string> JoinedRoomMembers, IReadOnlyList<string> LeftRoomMembers,
        IReadOnlyList<(string RoomId, string UserId)> OthersMoved)
    {
        public static readonly MembershipMoves None = new([], [], []);
    }
}
