namespace Homeserver.Storage.UserData;

/// <summary>A local user's profile; null fields are unset.</summary>
public sealed record ProfileRecord(string UserId, string? DisplayName, string? AvatarUrl);

/// <summary>Profiles of local users, one row per user.</summary>
public interface IProfileStore
{
    /// <summary>Creates the profile of a new user (registration); <see cref="StorageConflictException"/> if it exists.</summary>
    Task CreateAsync(string userId, string? displayName, CancellationToken cancellationToken);

    Task<ProfileRecord?> GetAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Sets (null: clears) the display name, creating the profile row when missing.</summary>
    Task SetDisplayNameAsync(string userId, string? displayName, CancellationToken cancellationToken);

    /// <summary>Sets (null: clears) the avatar URL, creating the profile row when missing.</summary>
    Task SetAvatarUrlAsync(string userId, string? avatarUrl, CancellationToken cancellationToken);
}
