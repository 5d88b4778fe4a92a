using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Accounts;

/// <summary>The login_tokens table: one method per statement, the same SQL on both backends.</summary>
public sealed class LoginTokenStore(IDatabase database, TimeProvider timeProvider) : ILoginTokenStore
{
    private const string InsertSql = """
        INSERT INTO login_tokens (token_hash, user_id, expires_ts, created_ts)
        VALUES (@TokenHash, @UserId, @ExpiresTs, @CreatedTs)
        """;

    private const string TakeSql = """
        DELETE FROM login_tokens WHERE token_hash = @TokenHash
        RETURNING user_id AS UserId, expires_ts AS ExpiresTs
        """;

    private const string DeleteExpiredSql = "DELETE FROM login_tokens WHERE expires_ts <= @NowMs";

    public Task AddAsync(byte[] tokenHash, string userId, long expiresTs, CancellationToken cancellationToken)
    {
        TokenHash.Check(tokenHash);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var parameters = new { TokenHash = tokenHash, UserId = userId, ExpiresTs = expiresTs, CreatedTs = timeProvider.GetUtcNow().ToUnixTimeMilliseconds() };
        return database.ExecuteInTransactionAsync(InsertSql, parameters, cancellationToken);
    }

    public Task<string?> TakeAsync(byte[] tokenHash, long nowMs, CancellationToken cancellationToken)
    {
        TokenHash.Check(tokenHash);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<LoginTokenRow>(
                new CommandDefinition(TakeSql, new { TokenHash = tokenHash }, transaction, cancellationToken: cancellationToken));
            return row is not null && row.ExpiresTs > nowMs ? row.UserId : null;
        }, cancellationToken);
    }

    public Task<int> DeleteExpiredAsync(long nowMs, CancellationToken cancellationToken) =>
        database.ExecuteInTransactionAsync(DeleteExpiredSql, new { NowMs = nowMs }, cancellationToken);


    private sealed class LoginTokenRow
    {
        public string UserId { get; init; } = "";
        public long ExpiresTs { get; init; }
    }
}
