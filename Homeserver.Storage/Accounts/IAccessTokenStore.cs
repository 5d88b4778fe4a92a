namespace Homeserver.Storage.Accounts;

/// <summary>Who an access token belongs to. Tokens are stored only as SHA-256 hashes.</summary>
public sealed record AccessTokenRecord(string UserId, string DeviceId, long? ExpiresAtMs, bool IsGuest);

/// <summary>Access tokens by hash; grows with the accounts issue (refresh tokens, logout).</summary>
public interface IAccessTokenStore
{
    Task<AccessTokenRecord?> FindByTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken);

    Task AddAsync(byte[] tokenHash, AccessTokenRecord record, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(byte[] tokenHash, CancellationToken cancellationToken);

    /// <summary>Deletes every token of one device (logout, device deletion, device id reuse); returns how many.</summary>
    Task<int> DeleteByDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken);

    /// <summary>Deletes every token of the user except those of <paramref name="keepDeviceId"/>, when given; returns how many.</summary>
    Task<int> DeleteByUserAsync(string userId, string? keepDeviceId, CancellationToken cancellationToken);
}
