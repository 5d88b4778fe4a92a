namespace Homeserver.Storage.Accounts;

/// <summary>Who an access token belongs to. Tokens are stored only as SHA-256 hashes.</summary>
public sealed record AccessTokenRecord(string UserId, string DeviceId, long? ExpiresAtMs, bool IsGuest);

/// <summary>Access tokens by hash; grows with the accounts issue (refresh tokens, logout).</summary>
public interface IAccessTokenStore
{
    Task<AccessTokenRecord?> FindByTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken);

    Task AddAsync(byte[] tokenHash, AccessTokenRecord record, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(byte[] tokenHash, CancellationToken cancellationToken);
}
