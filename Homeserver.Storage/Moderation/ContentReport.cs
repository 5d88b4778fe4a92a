namespace Homeserver.Storage.Moderation;

/// <summary>A report of a room, an event (room and event set) or a user, for the server's moderators.</summary>
public sealed record ContentReport(long ReportId, long ReceivedTs, string Reporter, string? RoomId, string? EventId, string? TargetUserId,
    string Reason);
