using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Http;
using Homeserver.Federation.Json;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Membership;

/// <summary>
/// Validates the room state another server sends with an invite or a knock answer (untrusted, and
/// shown to our users): bounded in entries and bytes, each entry an event of the room version in
/// that room, and the room's create event among them (spec v1.16). Returns the client's stripped form.
/// </summary>
public static class InviteRoomStateCheck
{
    /// <summary>More entries than the recommended types (plus the inviter's member event) serve no one.</summary>
    public const int MaxEntries = 20;

    /// <summary>All entries together, as canonical JSON.</summary>
    public const int MaxBytes = 4 * PduLimits.MaxEventBytes;

    /// <exception cref="MatrixException">400 <c>M_INVALID_PARAM</c> (or <c>M_TOO_LARGE</c>) for state that fails a check.</exception>
    public static JsonArray ToStripped(JsonNode? roomState, string roomId, RoomVersion version)
    {
        if (roomState is null) throw MatrixException.InvalidParam("The room state must contain the room's m.room.create event.");
        if (roomState is not JsonArray entries) throw MatrixException.InvalidParam("The room state must be an array.");
        if (entries.Count > MaxEntries) throw new MatrixException(400, ErrorCodes.TooLarge, $"The room state has more than {MaxEntries} events.");
        if (CanonicalJson.EncodedLength(entries) > MaxBytes)
            throw new MatrixException(400, ErrorCodes.TooLarge, $"The room state is larger than {MaxBytes} bytes.");

        var stripped = new JsonArray();
        var hasCreate = false;
        foreach (var entry in entries)
        {
            if (entry is not JsonObject json) throw MatrixException.InvalidParam("Each room state entry must be an event object.");
            Pdu pdu;
            try
            {
                pdu = PduParser.FromJson(json.DeepClone().AsObject(), version);
            }
            catch (PduFormatException e)
            {
                throw MatrixException.InvalidParam("A room state entry is not an event of room version " + version.Id + ": " + e.Message);
            }
            if (pdu.RoomId != roomId) throw MatrixException.InvalidParam($"A room state entry belongs to {pdu.RoomId}, not {roomId}.");
            if (!pdu.IsState) throw MatrixException.InvalidParam("A room state entry is not a state event.");
            if (pdu.Type == AuthStateKeys.CreateType && pdu.StateKey == "") hasCreate = true;
            stripped.Add(RoomStrippedState.Strip(pdu.Json));
        }
        if (!hasCreate) throw MatrixException.InvalidParam("The room state must contain the room's m.room.create event.");
        return stripped;
    }
}
