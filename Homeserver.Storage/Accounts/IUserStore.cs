namespace Homeserver.Storage.Accounts;

/// <summary>Local accounts by user id.</summary>
public interface IUserStore
{
    /// <summary>Creates the account; throws <see cref="StorageConflictException"/> when the user id is taken.</summary>
    Task CreateAsync(UserRecord user, CancellationToken cancellationToken);

    Task<UserRecord?> FindAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Whether the user id is taken, by an active or a deactivated account (ids are never reused).</summary>
    Task<bool> ExistsAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Replaces the password hash; false when there is no such account.</summary>
    Task<bool> SetPasswordHashAsync(string userId, string? passwordHash, CancellationToken cancellationToken);

    /// <summary>Marks the account deactivated and removes its password hash.</summary>
    Task<bool> DeactivateAsync(string userId, CancellationToken cancellationToken);
}
