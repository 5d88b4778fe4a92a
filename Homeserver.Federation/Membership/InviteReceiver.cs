using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Http;
using Homeserver.Federation.Json;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.RoomVersions;
using Homeserver.Storage.Accounts;
using Homeserver.Storage.Federation;
using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.Membership;

/// <summary>
/// The invitee's server side of <c>PUT /_matrix/federation/v2/invite</c>: checks the invite another
/// server asks us to co-sign, signs it, and, when this server does not hold the room (so no
/// transaction will bring the invite), keeps it for the invitee's /sync.
/// </summary>
public sealed class InviteReceiver(RoomServers roomServers, ServerIdentity identity, IServerKeys serverKeys, IUserStore users,
    IRemoteInviteStore invites, RoomServerAcl acl, ILogger<InviteReceiver> logger, IRemoteInviteListener? listener = null)
{
    public async Task<JsonObject> ReceiveAsync(string roomId, string eventId, string origin, JsonObject body, CancellationToken cancellationToken)
    {
        // Only an ACL of a room held here is known; for other rooms the inviting server is the only source.
        await acl.RequireAllowedAsync(roomId, origin, cancellationToken).ConfigureAwait(false);
        if (body["room_version"] is not JsonValue rv || !rv.TryGetValue(out string? versionId))
            throw MatrixException.MissingParam("room_version is required.");
        var version = RoomVersionRegistry.Find(versionId)
            ?? throw new MatrixException(400, ErrorCodes.IncompatibleRoomVersion, $"This server does not support room version {versionId}.",
                new Dictionary<string, JsonNode?> { ["room_version"] = versionId });
        if (body["event"] is not JsonObject eventJson) throw MatrixException.MissingParam("event is required.");

        var pdu = ReceivedMemberEvent.Parse(eventJson, version, roomId, eventId, "invite");
        if (!UserIdSyntax.IsValid(pdu.Sender) || UserIdSyntax.ServerOf(pdu.Sender) != origin)
            throw MatrixException.InvalidParam($"The event's sender is not a user of {origin}.");
        var invitee = pdu.StateKey;
        if (invitee is null || !UserIdSyntax.IsValid(invitee) || UserIdSyntax.ServerOf(invitee) != identity.ServerName)
            throw MatrixException.InvalidParam($"The invitee is not a user of {identity.ServerName}.");
        if (!await users.ExistsAsync(invitee, cancellationToken).ConfigureAwait(false))
            throw MatrixException.NotFound($"{invitee} does not exist.");

        var keys = await EventKeys.ForAsync(serverKeys, identity, pdu, cancellationToken).ConfigureAwait(false);
        var (verdict, reason) = PduIntegrity.Check(pdu.Json, version, server => keys.GetValueOrDefault(server) ?? []);
        if (verdict != PduIntegrityVerdict.Intact) throw MatrixException.InvalidParam("The event fails the signature check: " + reason);

        var stripped = InviteRoomStateCheck.ToStripped(body["invite_room_state"], roomId, version);

        var signed = pdu.Json.DeepClone().AsObject();
        signed.Remove("unsigned");
        EventSigner.SignPdu(signed, version, identity.ServerName, identity.SigningKey);

        // A room this server takes part in brings the invite in a transaction too, into the room graph.
        if (!await roomServers.IsInRoomAsync(roomId, identity.ServerName, cancellationToken).ConfigureAwait(false))
        {
            stripped.Add(RoomStrippedState.Strip(signed));
            await invites.AddAsync(roomId, invitee, pdu.EventId, version.Id, pdu.Sender, CanonicalJson.EncodeToString(signed),
                CanonicalJson.EncodeToString(stripped), cancellationToken).ConfigureAwait(false);
            MembershipLog.RemoteInviteStored(logger, invitee, roomId, pdu.Sender);
            listener?.InviteChanged(invitee);
        }
        return new JsonObject { ["event"] = signed };
    }
}
