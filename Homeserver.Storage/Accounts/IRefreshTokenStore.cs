namespace Homeserver.Storage.Accounts;

/// <summary>Refresh tokens by SHA-256 hash. A refresh token is used once: taking it deletes it.</summary>
public interface IRefreshTokenStore
{
    Task AddAsync(byte[] tokenHash, RefreshTokenRecord record, CancellationToken cancellationToken);

    /// <summary>Deletes the token and returns what it was, atomically, so two concurrent uses cannot both succeed.</summary>
    Task<RefreshTokenRecord?> TakeAsync(byte[] tokenHash, CancellationToken cancellationToken);

    Task<int> DeleteByDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken);

    /// <summary>Deletes the user's refresh tokens except those of <paramref name="keepDeviceId"/>, when given.</summary>
    Task<int> DeleteByUserAsync(string userId, string? keepDeviceId, CancellationToken cancellationToken);
}
