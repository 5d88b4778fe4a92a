namespace Homeserver.Storage.UserDirectory;

/// <summary>A user found by the user directory: id and profile.</summary>
public sealed record UserDirectoryEntry(string UserId, string? DisplayName, string? AvatarUrl);

/// <summary>Searches local users' ids and display names, among the users the searcher may discover.</summary>
public interface IUserDirectoryStore
{
    /// <summary>
    /// Active local users whose id or display name contains <paramref name="term"/> (case-insensitively, for ASCII letters)
    /// and who share a joined room with <paramref name="searcherId"/> or are joined to a published room; at most
    /// <paramref name="limit"/>, by user id.
    /// </summary>
    Task<IReadOnlyList<UserDirectoryEntry>> SearchAsync(string searcherId, string term, int limit, CancellationToken cancellationToken);
}
