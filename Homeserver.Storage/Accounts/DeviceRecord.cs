namespace Homeserver.Storage.Accounts;

/// <summary>A user's device: the owner of access and refresh tokens.</summary>
public sealed record DeviceRecord(string UserId, string DeviceId, string? DisplayName, long? LastSeenTs, string? LastSeenIp);
