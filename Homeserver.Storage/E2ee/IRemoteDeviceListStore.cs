namespace Homeserver.Storage.E2ee;

/// <summary>One device of a remote user: its identity keys as the user's server served them (null when it has none).</summary>
public sealed record RemoteDeviceRecord(string DeviceId, string? KeysJson, string? DisplayName);

/// <summary>Where a cached remote device list stands: the origin's stream id of the last update applied, and whether it missed one.</summary>
public sealed record RemoteDeviceListState(string UserId, long StreamId, bool Stale);

/// <summary>A remote user's cached device list and cross-signing keys (master and self-signing; JSON as the origin served them).</summary>
public sealed record RemoteDeviceList(string UserId, long StreamId, bool Stale, IReadOnlyList<RemoteDeviceRecord> Devices,
    string? MasterKeyJson, string? SelfSigningKeyJson);

/// <summary>
/// Other servers' users' device lists as this server last learnt them. Every change also records a
/// device-list change of the user on the local device-list stream (in the same transaction), so local
/// users sharing a room with the remote user see it in <c>/sync</c>.
/// </summary>
public interface IRemoteDeviceListStore
{
    /// <summary>The state of the user's cached list, or null when there is none.</summary>
    Task<RemoteDeviceListState?> GetStateAsync(string userId, CancellationToken cancellationToken);

    /// <summary>The cached lists of the given users (users without one are left out).</summary>
    Task<IReadOnlyList<RemoteDeviceList>> GetAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken);

    /// <summary>Replaces the user's whole list (a resynchronisation): devices, cross-signing keys, stream id; no longer stale.</summary>
    Task ReplaceAsync(string userId, long streamId, IReadOnlyList<RemoteDeviceRecord> devices, string? masterKeyJson,
        string? selfSigningKeyJson, CancellationToken cancellationToken);

    /// <summary>
    /// Applies one incremental update to a cached list: the device is stored (or deleted when <paramref name="deleted"/>)
    /// and the stream id advances. False (and nothing changes) when the user has no cached list.
    /// </summary>
    Task<bool> ApplyDeviceUpdateAsync(string userId, long streamId, RemoteDeviceRecord device, bool deleted,
        CancellationToken cancellationToken);

    /// <summary>Marks the user's list as having missed an update (creating an empty stale list when there is none).</summary>
    Task MarkStaleAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Stores the keys given (a null key is left as it is), creating an empty stale list when there is none.</summary>
    Task SetCrossSigningKeysAsync(string userId, string? masterKeyJson, string? selfSigningKeyJson, CancellationToken cancellationToken);
}
