namespace Homeserver.Storage.Accounts;

/// <summary>Who a refresh token belongs to, and the hash of the access token issued with it.</summary>
public sealed record RefreshTokenRecord(string UserId, string DeviceId, byte[] AccessTokenHash);
