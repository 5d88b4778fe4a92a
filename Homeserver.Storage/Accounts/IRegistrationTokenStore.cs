namespace Homeserver.Storage.Accounts;

/// <summary>Registration tokens (<c>m.login.registration_token</c>).</summary>
public interface IRegistrationTokenStore
{
    /// <summary>Throws <see cref="StorageConflictException"/> when the token exists.</summary>
    Task CreateAsync(RegistrationTokenRecord token, CancellationToken cancellationToken);

    Task<RegistrationTokenRecord?> FindAsync(string token, CancellationToken cancellationToken);

    Task<IReadOnlyList<RegistrationTokenRecord>> ListAsync(CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string token, CancellationToken cancellationToken);

    /// <summary>Sets both limits of the token (null: unlimited, never expires); false when it does not exist.</summary>
    Task<bool> SetLimitsAsync(string token, long? usesAllowed, long? expiryTime, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one more pending use if the token is still valid at <paramref name="nowMs"/>, in one
    /// statement so that concurrent registrations cannot exceed <c>uses_allowed</c>. False when invalid.
    /// </summary>
    Task<bool> TryReserveAsync(string token, long nowMs, CancellationToken cancellationToken);

    /// <summary>Gives back one pending use (the session that reserved it expired unfinished).</summary>
    Task<bool> ReleaseAsync(string token, CancellationToken cancellationToken);

    /// <summary>Turns one pending use into a completed one (the registration succeeded).</summary>
    Task<bool> CompleteAsync(string token, CancellationToken cancellationToken);
}
