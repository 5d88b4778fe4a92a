using System.Data.Common;
using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Accounts;

/// <summary>The users table: one method per statement, the same SQL on both backends.</summary>
public sealed class UserStore(IDatabase database) : IUserStore
{
    private const string InsertSql = """
        INSERT INTO users (user_id, password_hash, created_ts, is_guest, deactivated, admin)
        VALUES (@UserId, @PasswordHash, @CreatedTs, @IsGuest, @Deactivated, @Admin)
        """;

    private const string SelectSql = """
        SELECT user_id AS UserId, password_hash AS PasswordHash, created_ts AS CreatedTs,
               is_guest AS IsGuest, deactivated AS Deactivated, admin AS Admin
        FROM users
        WHERE user_id = @UserId
        """;

    private const string ExistsSql = "SELECT COUNT(*) FROM users WHERE user_id = @UserId";

    private const string UpdatePasswordSql = "UPDATE users SET password_hash = @PasswordHash WHERE user_id = @UserId";

    private const string DeactivateSql = "UPDATE users SET deactivated = @Deactivated, password_hash = NULL WHERE user_id = @UserId";

    public async Task CreateAsync(UserRecord user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrEmpty(user.UserId, nameof(user));
        try
        {
            await database.ExecuteInTransactionAsync(InsertSql, user, cancellationToken);
        }
        catch (DbException e) when (database.Dialect.IsUniqueViolation(e))
        {
            throw new StorageConflictException("This user id is already taken.", e);
        }
    }

    public async Task<UserRecord?> FindAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(
            new CommandDefinition(SelectSql, new { UserId = userId }, cancellationToken: cancellationToken));
        return row is null ? null : new UserRecord(row.UserId, row.PasswordHash, row.CreatedTs, row.IsGuest, row.Deactivated, row.Admin);
    }

    public async Task<bool> ExistsAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(
            new CommandDefinition(ExistsSql, new { UserId = userId }, cancellationToken: cancellationToken)) > 0;
    }

    public async Task<bool> SetPasswordHashAsync(string userId, string? passwordHash, CancellationToken cancellationToken)
    {
        var updated = await database.ExecuteInTransactionAsync(UpdatePasswordSql, new { UserId = userId, PasswordHash = passwordHash }, cancellationToken);
        return updated > 0;
    }

    public async Task<bool> DeactivateAsync(string userId, CancellationToken cancellationToken)
    {
        var updated = await database.ExecuteInTransactionAsync(DeactivateSql, new { UserId = userId, Deactivated = true }, cancellationToken);
        return updated > 0;
    }

    /// <summary>Dapper target: property setters convert SQLite's integer flags to bool.</summary>
    private sealed class UserRow
    {
        public string UserId { get; init; } = "";
        public string? PasswordHash { get; init; }
        public long CreatedTs { get; init; }
        public bool IsGuest { get; init; }
        public bool Deactivated { get; init; }
        public bool Admin { get; init; }
    }
}
