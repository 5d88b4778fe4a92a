using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Accounts;

/// <summary>The openid_tokens table: the same SQL on both backends.</summary>
public sealed class OpenIdTokenStore(IDatabase database) : IOpenIdTokenStore
{
    private const string InsertSql = "INSERT INTO openid_tokens (token_hash, user_id, expires_ts) VALUES (@TokenHash, @UserId, @ExpiresTs)";

    private const string SelectSql = "SELECT user_id FROM openid_tokens WHERE token_hash = @TokenHash AND expires_ts > @NowMs";

    private const string DeleteExpiredSql = "DELETE FROM openid_tokens WHERE expires_ts <= @NowMs";

    public Task AddAsync(byte[] tokenHash, string userId, long expiresTs, CancellationToken cancellationToken)
    {
        TokenHash.Check(tokenHash);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return database.ExecuteInTransactionAsync(InsertSql, new { TokenHash = tokenHash, UserId = userId, ExpiresTs = expiresTs }, cancellationToken);
    }

    public async Task<string?> FindUserAsync(byte[] tokenHash, long nowMs, CancellationToken cancellationToken)
    {
        TokenHash.Check(tokenHash);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectSql,
            new { TokenHash = tokenHash, NowMs = nowMs }, cancellationToken: cancellationToken));
    }

    public Task<int> DeleteExpiredAsync(long nowMs, CancellationToken cancellationToken) =>
        database.ExecuteInTransactionAsync(DeleteExpiredSql, new { NowMs = nowMs }, cancellationToken);
}
