using System.Data.Common;
using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.UserData;

/// <summary>The profiles table: one method per statement, the same SQL on both backends.</summary>
public sealed class ProfileStore(IDatabase database) : IProfileStore
{
    private const string InsertSql = """
        INSERT INTO profiles (user_id, displayname, avatar_url) VALUES (@UserId, @DisplayName, NULL)
        """;

    private const string SelectSql = """
        SELECT user_id AS UserId, displayname AS DisplayName, avatar_url AS AvatarUrl
        FROM profiles
        WHERE user_id = @UserId
        """;

    private const string UpsertDisplayNameSql = """
        INSERT INTO profiles (user_id, displayname, avatar_url) VALUES (@UserId, @Value, NULL)
        ON CONFLICT (user_id) DO UPDATE SET displayname = excluded.displayname
        """;

    private const string UpsertAvatarUrlSql = """
        INSERT INTO profiles (user_id, displayname, avatar_url) VALUES (@UserId, NULL, @Value)
        ON CONFLICT (user_id) DO UPDATE SET avatar_url = excluded.avatar_url
        """;

    public async Task CreateAsync(string userId, string? displayName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        try
        {
            await database.ExecuteInTransactionAsync(InsertSql, new { UserId = userId, DisplayName = displayName }, cancellationToken);
        }
        catch (DbException e) when (database.Dialect.IsUniqueViolation(e))
        {
            throw new StorageConflictException($"A profile for {userId} already exists.", e);
        }
    }

    public async Task<ProfileRecord?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ProfileRecord>(
            new CommandDefinition(SelectSql, new { UserId = userId }, cancellationToken: cancellationToken));
    }

    public Task SetDisplayNameAsync(string userId, string? displayName, CancellationToken cancellationToken) =>
        UpsertAsync(UpsertDisplayNameSql, userId, displayName, cancellationToken);

    public Task SetAvatarUrlAsync(string userId, string? avatarUrl, CancellationToken cancellationToken) =>
        UpsertAsync(UpsertAvatarUrlSql, userId, avatarUrl, cancellationToken);

    private Task UpsertAsync(string sql, string userId, string? value, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return database.ExecuteInTransactionAsync(sql, new { UserId = userId, Value = value }, cancellationToken);
    }
}
