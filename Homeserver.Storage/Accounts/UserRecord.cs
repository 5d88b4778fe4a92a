namespace Homeserver.Storage.Accounts;

/// <summary>A local account. <paramref name="PasswordHash"/> is a bcrypt hash, null when password login is impossible.</summary>
public sealed record UserRecord(string UserId, string? PasswordHash, long CreatedTs, bool IsGuest, bool Deactivated, bool Admin);
