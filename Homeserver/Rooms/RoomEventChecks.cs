using System.Text;
using Homeserver.Federation.Events;
using Homeserver.Federation.Http;

namespace Homeserver.Rooms;

/// <summary>Checks of client-supplied event types and state keys before anything is built.</summary>
public static class RoomEventChecks
{
    public static void CheckTypeAndStateKey(string type, string? stateKey)
    {
        if (type.Length == 0 || Encoding.UTF8.GetByteCount(type) > PduLimits.MaxFieldBytes)
            throw MatrixException.InvalidParam($"The event type must be 1 to {PduLimits.MaxFieldBytes} bytes long.");
        if (stateKey is not null && Encoding.UTF8.GetByteCount(stateKey) > PduLimits.MaxFieldBytes)
            throw MatrixException.InvalidParam($"The state key must be at most {PduLimits.MaxFieldBytes} bytes long.");
    }
}
