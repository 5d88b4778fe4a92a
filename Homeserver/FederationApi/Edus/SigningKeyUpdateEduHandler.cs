using System.Text.Json.Nodes;
using Homeserver.E2ee;
using Homeserver.Federation.Transport;
using Homeserver.Sync;

namespace Homeserver.FederationApi.Edus;

/// <summary>
/// Inbound <c>m.signing_key_update</c>: new public cross-signing keys (master, self-signing) of a user of the origin,
/// joined to a room this server takes part in. Valid keys of that user go to the remote device-list cache.
/// </summary>
public sealed class SigningKeyUpdateEduHandler(RemoteDeviceLists deviceLists, SharedRooms sharedRooms, ILogger<SigningKeyUpdateEduHandler> logger)
    : IEduHandler
{
    public string EduType => DeviceListFederation.SigningKeyUpdateEdu;

    public async Task HandleAsync(string origin, JsonObject content, CancellationToken cancellationToken)
    {
        var userId = EduJson.UserOf(content["user_id"], origin);
        if (userId is null)
        {
            EduLog.Ignored(logger, EduType, origin, "malformed, or the user is not of the origin");
            return;
        }
        var master = RemoteKeyJson.CrossSigning(content["master_key"], userId, CrossSigningKeyTypes.Master);
        var selfSigning = RemoteKeyJson.CrossSigning(content["self_signing_key"], userId, CrossSigningKeyTypes.SelfSigning);
        if ((master is null && content["master_key"] is not null) || (selfSigning is null && content["self_signing_key"] is not null)
            || (master is null && selfSigning is null))
        {
            EduLog.Ignored(logger, EduType, origin, $"invalid or missing cross-signing keys of {userId}");
            return;
        }
        if ((await sharedRooms.JoinedRoomsAsync(userId, cancellationToken)).Count == 0)
        {
            EduLog.Ignored(logger, EduType, origin, $"{userId} shares no room with this server");
            return;
        }
        await deviceLists.SetCrossSigningKeysAsync(userId, master, selfSigning, cancellationToken);
    }
}
