namespace Homeserver.Federation.Rooms;

/// <summary>A new room's id and what became of its create event.</summary>
public sealed record CreateRoomResult(string RoomId, RoomEventResult CreateEvent);
