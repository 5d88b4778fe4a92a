namespace Homeserver.Storage.RoomAliases;

/// <summary>A local room alias, the room it points to and the user who created the mapping.</summary>
public sealed record RoomAliasRecord(string RoomAlias, string RoomId, string Creator);
