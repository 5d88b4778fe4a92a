namespace Homeserver.Storage.UserData;

/// <summary>Filters uploaded by users, stored as canonical JSON under a server-wide increasing id.</summary>
public interface IFilterStore
{
    /// <summary>
    /// Stores a filter and returns its id; when the user already stored the same canonical JSON,
    /// returns that filter's id instead of adding a copy.
    /// </summary>
    Task<long> AddAsync(string userId, string canonicalFilterJson, CancellationToken cancellationToken);

    /// <summary>The user's filter with this id, or null (also when the id belongs to another user).</summary>
    Task<string?> GetAsync(string userId, long filterId, CancellationToken cancellationToken);
}
