namespace Homeserver.Storage.Accounts;

/// <summary>Single-use login tokens (<c>m.login.token</c>) by SHA-256 hash.</summary>
public interface ILoginTokenStore
{
    Task AddAsync(byte[] tokenHash, string userId, long expiresTs, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the token and returns its user if it had not expired at <paramref name="nowMs"/>; atomically, so
    /// a token logs in at most once.
    /// </summary>
    Task<string?> TakeAsync(byte[] tokenHash, long nowMs, CancellationToken cancellationToken);

    /// <summary>Deletes the tokens that expired at or before <paramref name="nowMs"/>; returns how many.</summary>
    Task<int> DeleteExpiredAsync(long nowMs, CancellationToken cancellationToken);
}
