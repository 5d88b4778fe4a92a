using System.Text.Json.Nodes;
using Homeserver.E2ee;
using Homeserver.Federation.Transport;
using Homeserver.Sync;

namespace Homeserver.FederationApi.Edus;

/// <summary>
/// Inbound <c>m.device_list_update</c>: a change of one device of a user of the origin. Only users joined to a room
/// this server takes part in are tracked; the update goes to the remote device-list cache, which resynchronises the
/// whole list when it missed an update.
/// </summary>
public sealed class DeviceListUpdateEduHandler(RemoteDeviceLists deviceLists, SharedRooms sharedRooms, ILogger<DeviceListUpdateEduHandler> logger)
    : IEduHandler
{
    /// <summary>Most <c>prev_id</c> entries accepted.</summary>
    private const int MaxPrevIds = 100;

    public string EduType => DeviceListFederation.DeviceListUpdateEdu;

    public async Task HandleAsync(string origin, JsonObject content, CancellationToken cancellationToken)
    {
        var userId = EduJson.UserOf(content["user_id"], origin);
        var deviceId = EduJson.String(content["device_id"]);
        var streamId = EduJson.Integer(content["stream_id"]);
        var prevIds = new List<long>();
        var wellFormed = userId is not null && deviceId is not null && streamId is not null;
        if (content["prev_id"] is { } prevNode)
        {
            if (prevNode is JsonArray { Count: <= MaxPrevIds } array && array.All(p => EduJson.Integer(p) is not null))
                prevIds.AddRange(array.Select(p => EduJson.Integer(p)!.Value));
            else
                wellFormed = false;
        }
        var deleted = content["deleted"] is { } deletedNode ? EduJson.Bool(deletedNode) : false;
        string? displayName = null;
        if (content["device_display_name"] is { } nameNode && (displayName = EduJson.String(nameNode, KeyLimits.MaxValueLength, allowEmpty: true)) is null)
            wellFormed = false;
        if (!wellFormed || deleted is null)
        {
            EduLog.Ignored(logger, EduType, origin, "malformed, or the user is not of the origin");
            return;
        }
        if ((await sharedRooms.JoinedRoomsAsync(userId!, cancellationToken)).Count == 0)
        {
            EduLog.Ignored(logger, EduType, origin, $"{userId} shares no room with this server");
            return;
        }
        // Keys of another user or device, or of a wrong shape, are dropped: the device then has none, as if it had uploaded none.
        var keys = deleted.Value ? null : RemoteKeyJson.DeviceKeys(content["keys"], userId!, deviceId!);
        keys?.Remove("unsigned");
        await deviceLists.ApplyAsync(new DeviceListUpdate(userId!, deviceId!, streamId!.Value, prevIds, deleted.Value, keys, displayName),
            cancellationToken);
    }
}
