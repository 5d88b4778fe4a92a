using System.Text.Json.Nodes;
using Homeserver.Federation.Authorization;
using Homeserver.Federation.Events;
using Homeserver.Federation.Http;
using Homeserver.Federation.RoomVersions;

namespace Homeserver.Federation.Membership;

/// <summary>
/// The membership event another server puts to us (send_join/leave/knock, invite): parsed in the room's
/// version and checked to be the member event of the given membership that the request path names.
/// Anything else is 400 <c>M_INVALID_PARAM</c>.
/// </summary>
public static class ReceivedMemberEvent
{
    public static Pdu Parse(JsonObject json, RoomVersion version, string roomId, string eventId, string membership)
    {
        Pdu pdu;
        try
        {
            pdu = PduParser.FromJson(json.DeepClone().AsObject(), version);
        }
        catch (PduFormatException e)
        {
            throw MatrixException.InvalidParam("Invalid event: " + e.Message);
        }
        if (pdu.EventId != eventId) throw MatrixException.InvalidParam($"The event's id is {pdu.EventId}, not {eventId}.");
        if (pdu.RoomId != roomId) throw MatrixException.InvalidParam($"The event belongs to {pdu.RoomId}, not {roomId}.");
        if (pdu.Type != AuthStateKeys.MemberType) throw MatrixException.InvalidParam("The event is not an m.room.member event.");
        if (pdu.Content["membership"] is not JsonValue m || !m.TryGetValue(out string? actual) || actual != membership)
            throw MatrixException.InvalidParam($"The event's membership is not {membership}.");
        return pdu;
    }
}
