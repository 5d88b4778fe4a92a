using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Federation.Identifiers;
using Homeserver.FederationApi.Edus;
using Homeserver.Storage.Accounts;
using Homeserver.Storage.E2ee;

namespace Homeserver.E2ee;

/// <summary>
/// Tells the other servers sharing a room with a local user about changes of the user's devices
/// (<c>m.device_list_update</c>, with the user's positions on the device-list stream as <c>stream_id</c> and
/// <c>prev_id</c>) and of the user's public cross-signing keys (<c>m.signing_key_update</c>). The keys sent are
/// the ones served to other servers, signatures included.
/// </summary>
public sealed class DeviceListFederation(LocalKeys localKeys, IDeviceStore devices, IDeviceListStore deviceLists, EduOutbox outbox,
    HomeserverConfig config)
{
    public const string DeviceListUpdateEdu = "m.device_list_update";
    public const string SigningKeyUpdateEdu = "m.signing_key_update";

    public async Task SendDeviceUpdateAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        if (!IsLocal(userId))
            return;
        var positions = await deviceLists.GetLatestPositionsAsync(userId, 2, cancellationToken);
        var content = new JsonObject
        {
            ["user_id"] = userId,
            ["device_id"] = deviceId,
            ["stream_id"] = positions.Count > 0 ? positions[0] : 0,
            ["prev_id"] = new JsonArray([.. positions.Skip(1).Select(p => (JsonNode)p)]),
        };
        if (await devices.FindAsync(userId, deviceId, cancellationToken) is not { } device)
            content["deleted"] = true;
        else
        {
            if (device.DisplayName is { } name)
                content["device_display_name"] = name;
            var served = await localKeys.QueryAsync(null, new Dictionary<string, HashSet<string>?> { [userId] = [deviceId] }, cancellationToken);
            if (served["device_keys"]?[userId]?[deviceId] is JsonObject keys)
            {
                keys.Remove("unsigned");
                content["keys"] = keys.DeepClone();
            }
        }
        await outbox.ToServersSharingARoomAsync(userId, DeviceListUpdateEdu, content, cancellationToken);
    }

    public async Task SendSigningKeyUpdateAsync(string userId, CancellationToken cancellationToken)
    {
        if (!IsLocal(userId))
            return;
        var served = await localKeys.QueryAsync(null, new Dictionary<string, HashSet<string>?> { [userId] = null }, cancellationToken);
        var content = new JsonObject { ["user_id"] = userId };
        if (served["master_keys"]?[userId] is { } master)
            content["master_key"] = master.DeepClone();
        if (served["self_signing_keys"]?[userId] is { } selfSigning)
            content["self_signing_key"] = selfSigning.DeepClone();
        await outbox.ToServersSharingARoomAsync(userId, SigningKeyUpdateEdu, content, cancellationToken);
    }

    private bool IsLocal(string userId) => UserId.TryParse(userId, out var id) && id.Server.ToString() == config.ServerName;
}
