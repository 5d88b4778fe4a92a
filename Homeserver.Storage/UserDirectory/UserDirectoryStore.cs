using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.UserDirectory;

/// <summary>User directory search over profiles and room memberships: the same SQL on both backends.</summary>
public sealed class UserDirectoryStore(IDatabase database) : IUserDirectoryStore
{
    // Visible: users sharing a joined room with the searcher, and users in published rooms (as Synapse's default,
    // where "public" rooms make their members discoverable). LIKE wildcards in the term are escaped with '!'.
    private const string SearchSql = """
        SELECT p.user_id AS UserId, p.displayname AS DisplayName, p.avatar_url AS AvatarUrl
        FROM profiles p JOIN users u ON u.user_id = p.user_id
        WHERE u.deactivated = @No AND u.is_guest = @No
          AND (LOWER(p.user_id) LIKE @Pattern ESCAPE '!' OR LOWER(COALESCE(p.displayname, '')) LIKE @Pattern ESCAPE '!')
          AND (EXISTS (SELECT 1 FROM room_memberships theirs
                       JOIN room_memberships mine ON mine.room_id = theirs.room_id
                       WHERE theirs.user_id = p.user_id AND theirs.membership = 'join'
                         AND mine.user_id = @SearcherId AND mine.membership = 'join')
               OR EXISTS (SELECT 1 FROM room_memberships theirs JOIN published_rooms pr ON pr.room_id = theirs.room_id
                          WHERE theirs.user_id = p.user_id AND theirs.membership = 'join'))
        ORDER BY p.user_id
        LIMIT @Limit
        """;

    public async Task<IReadOnlyList<UserDirectoryEntry>> SearchAsync(string searcherId, string term, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(searcherId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var escaped = term.ToLowerInvariant().Replace("!", "!!", StringComparison.Ordinal)
            .Replace("%", "!%", StringComparison.Ordinal).Replace("_", "!_", StringComparison.Ordinal);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<UserDirectoryEntry>(new CommandDefinition(SearchSql,
            new { SearcherId = searcherId, Pattern = "%" + escaped + "%", Limit = limit, No = false }, cancellationToken: cancellationToken))];
    }
}
