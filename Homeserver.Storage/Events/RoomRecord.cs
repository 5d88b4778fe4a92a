namespace Homeserver.Storage.Events;

/// <summary>A room's metadata: its version, creator and create event.</summary>
public sealed record RoomRecord(string RoomId, string RoomVersion, string CreatorUserId, string CreateEventId);
