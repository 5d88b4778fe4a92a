using Homeserver.Storage.Events;

namespace Homeserver.Sync;

/// <summary>
/// The device-list stream and one-time key counts as <c>/sync</c> reads them: whose devices or
/// cross-signing keys changed among the users the syncing user shares a room with.
/// </summary>
public interface IDeviceListSync
{
    /// <summary>The highest committed position of the device-list stream.</summary>
    Task<long> GetCurrentPositionAsync(CancellationToken cancellationToken);

    Task<DeviceListSyncData> GetAsync(DeviceListSyncRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// What the device-list part of a sync needs: the syncing user and device, the device-list and room
/// positions of <c>since</c> (null for an initial sync) and of <c>next_batch</c>, and the rooms the user
/// is joined to at <c>next_batch</c>. What the caller has read already it may pass, to save a round trip each
/// (null: read it): <paramref name="RoomsChangedInRange"/>, the rooms with events in (SinceRoom, UpToRoom]
/// (<c>IRoomTimelineStore.GetRoomsChangedBetweenAsync</c>), and <paramref name="OwnMembershipChanges"/>, the user's
/// membership changes over a range that includes (SinceRoom, UpToRoom] (those outside it are ignored).
/// </summary>
public sealed record DeviceListSyncRequest(string UserId, string? DeviceId, long? SinceDeviceLists, long UpToDeviceLists,
    long? SinceRoom, long UpToRoom, IReadOnlyList<string> JoinedRooms,
    IReadOnlySet<string>? RoomsChangedInRange = null, IReadOnlyList<MembershipChange>? OwnMembershipChanges = null);

/// <summary>
/// <c>device_lists.changed</c> and <c>.left</c>, <c>device_one_time_keys_count</c> per algorithm and
/// <c>device_unused_fallback_key_types</c> of the syncing device.
/// </summary>
public sealed record DeviceListSyncData(IReadOnlyList<string> Changed, IReadOnlyList<string> Left,
    IReadOnlyDictionary<string, long> OneTimeKeyCounts, IReadOnlyList<string> UnusedFallbackKeyTypes);
