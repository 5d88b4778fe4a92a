namespace Homeserver.Storage.Federation;

/// <summary>
/// An invite another server sent for a local user to a room this server does not hold.
/// <see cref="EventJson"/> is the invite event as signed by both servers (canonical JSON);
/// <see cref="StrippedState"/> a JSON array of stripped state events describing the room.
/// <see cref="State"/> is <c>invite</c> while pending, <c>leave</c> once rejected.
/// </summary>
public sealed record RemoteInviteRecord(
    string RoomId,
    string UserId,
    string EventId,
    string RoomVersion,
    string Sender,
    string EventJson,
    string StrippedState,
    string State,
    long StreamPosition)
{
    public const string Pending = "invite";
    public const string Rejected = "leave";
}
