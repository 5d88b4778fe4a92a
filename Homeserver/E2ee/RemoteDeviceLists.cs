using System.Text.Json.Nodes;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Transport;
using Homeserver.FederationApi.Edus;
using Homeserver.Storage.E2ee;
using Homeserver.Sync;

namespace Homeserver.E2ee;

/// <summary>One <c>m.device_list_update</c>: a change of one device of a remote user, at the origin's stream id.</summary>
public sealed record DeviceListUpdate(string UserId, string DeviceId, long StreamId, IReadOnlyList<long> PrevIds, bool Deleted,
    JsonObject? Keys, string? DisplayName);

/// <summary>
/// The cache of remote users' device lists: incremental updates are applied in order; an update that refers to one
/// this server has not seen (a <c>prev_id</c> after the cached stream id), or one for a user without a cached list,
/// makes it fetch the whole list from the user's server (<c>GET /user/devices/{userId}</c>). A list that could not be
/// fetched is marked stale and not used. Every change wakes the syncs of local users sharing a room with the user.
/// </summary>
public sealed class RemoteDeviceLists(IRemoteDeviceListStore store, IServiceProvider services, DeviceListNotifier notifier,
    SharedRooms sharedRooms, ILogger<RemoteDeviceLists> logger)
{
    /// <summary>Most devices accepted in one user's list.</summary>
    public const int MaxDevices = 10_000;

    public async Task ApplyAsync(DeviceListUpdate update, CancellationToken cancellationToken)
    {
        var state = await store.GetStateAsync(update.UserId, cancellationToken);
        if (state is { Stale: false })
        {
            if (update.StreamId <= state.StreamId)
                return;
            if (update.PrevIds.All(p => p <= state.StreamId))
            {
                var device = new RemoteDeviceRecord(update.DeviceId, Stored(update.Keys), update.DisplayName);
                if (await store.ApplyDeviceUpdateAsync(update.UserId, update.StreamId, device, update.Deleted, cancellationToken))
                {
                    await notifier.NotifyAsync(update.UserId, cancellationToken);
                    return;
                }
            }
        }
        await ResyncAsync(update.UserId, cancellationToken);
    }

    /// <summary>Stores the cross-signing keys of an <c>m.signing_key_update</c> (a null key stays as it is).</summary>
    public async Task SetCrossSigningKeysAsync(string userId, JsonObject? master, JsonObject? selfSigning, CancellationToken cancellationToken)
    {
        await store.SetCrossSigningKeysAsync(userId, Stored(master), Stored(selfSigning), cancellationToken);
        await notifier.NotifyAsync(userId, cancellationToken);
    }

    /// <summary>Fetches the user's whole list from the user's server; on failure the cached list is marked stale.</summary>
    public async Task ResyncAsync(string userId, CancellationToken cancellationToken)
    {
        var server = RoomServers.ServerOf(userId)!;
        try
        {
            var client = services.GetService<IFederationClient>()
                ?? throw new FederationRequestException(server, "this server has no federation client");
            var response = await client.GetJsonAsync(server, "/_matrix/federation/v1/user/devices/" + PathSegment(userId),
                cancellationToken) as JsonObject ?? throw new FederationRequestException(server, "the answer is not a JSON object");
            var (streamId, devices, master, selfSigning) = ParseDevices(server, userId, response);
            await store.ReplaceAsync(userId, streamId, devices, Stored(master), Stored(selfSigning), cancellationToken);
            EduLog.Resynced(logger, userId, server, streamId);
        }
        catch (FederationRequestException e)
        {
            EduLog.ResyncFailed(logger, userId, server, e.Message);
            await store.MarkStaleAsync(userId, cancellationToken);
        }
        await notifier.NotifyAsync(userId, cancellationToken);
    }

    /// <summary>
    /// The cached lists that are current: not stale, of users joined to a room this server takes part in (whose
    /// servers keep sending it their updates).
    /// </summary>
    public async Task<IReadOnlyList<RemoteDeviceList>> GetCurrentAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        var current = new List<RemoteDeviceList>();
        foreach (var list in await store.GetAsync(userIds, cancellationToken))
            if (!list.Stale && (await sharedRooms.JoinedRoomsAsync(list.UserId, cancellationToken)).Count > 0)
                current.Add(list);
        return current;
    }

    /// <summary>
    /// Escapes a user id for a path segment, percent-encoding only what a segment cannot hold as is (RFC 3986 pchar
    /// keeps <c>:</c> and <c>@</c>): the target then reads the same after ASP.NET Core decodes and re-encodes it, which
    /// keeps the X-Matrix signature valid on servers that verify it against the re-encoded path.
    /// </summary>
    internal static string PathSegment(string value)
    {
        var builder = new System.Text.StringBuilder(value.Length);
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || "-._~!$&'()*+,;=:@".Contains(c)))
                builder.Append(c);
            else
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    /// <summary>Keys are stored as canonical JSON, as local keys are.</summary>
    private static string? Stored(JsonObject? key) => key is null ? null : KeyJson.Canonical(key, "key");

    /// <summary>Reads a <c>/user/devices</c> answer: devices and keys of another user or of the wrong shape are left out.</summary>
    private static (long StreamId, List<RemoteDeviceRecord> Devices, JsonObject? Master, JsonObject? SelfSigning) ParseDevices(string server,
        string userId, JsonObject response)
    {
        if (EduJson.String(response["user_id"], int.MaxValue) != userId || EduJson.Integer(response["stream_id"]) is not { } streamId
            || response["devices"] is not JsonArray devices || devices.Count > MaxDevices)
            throw new FederationRequestException(server, "the device list answer has the wrong user, stream id or devices");
        var records = new Dictionary<string, RemoteDeviceRecord>(StringComparer.Ordinal);
        foreach (var device in devices)
        {
            if (EduJson.String(EduJson.Member(device, "device_id")) is not { } deviceId)
                continue;
            var keys = RemoteKeyJson.DeviceKeys(EduJson.Member(device, "keys"), userId, deviceId);
            keys?.Remove("unsigned");
            records[deviceId] = new RemoteDeviceRecord(deviceId, Stored(keys),
                EduJson.String(EduJson.Member(device, "device_display_name"), KeyLimits.MaxValueLength, allowEmpty: true));
        }
        return (streamId, [.. records.Values], RemoteKeyJson.CrossSigning(response["master_key"], userId, CrossSigningKeyTypes.Master),
            RemoteKeyJson.CrossSigning(response["self_signing_key"], userId, CrossSigningKeyTypes.SelfSigning));
    }
}
