namespace Homeserver.Storage.Accounts;

/// <summary>OpenID tokens by SHA-256 hash: a user hands one to a third party, which asks us whose it is until it expires.</summary>
public interface IOpenIdTokenStore
{
    Task AddAsync(byte[] tokenHash, string userId, long expiresTs, CancellationToken cancellationToken);

    /// <summary>The token's user if it had not expired at <paramref name="nowMs"/>; null otherwise.</summary>
    Task<string?> FindUserAsync(byte[] tokenHash, long nowMs, CancellationToken cancellationToken);

    /// <summary>Deletes the tokens that expired at or before <paramref name="nowMs"/>; returns how many.</summary>
    Task<int> DeleteExpiredAsync(long nowMs, CancellationToken cancellationToken);
}
