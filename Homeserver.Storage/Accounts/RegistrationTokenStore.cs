using System.Data.Common;
using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Accounts;

/// <summary>The registration_tokens table: one method per statement, the same SQL on both backends.</summary>
public sealed class RegistrationTokenStore(IDatabase database) : IRegistrationTokenStore
{
    private const string InsertSql = """
        INSERT INTO registration_tokens (token, uses_allowed, pending, completed, expiry_time)
        VALUES (@Token, @UsesAllowed, @Pending, @Completed, @ExpiryTime)
        """;

    private const string SelectColumns = """
        SELECT token AS Token, uses_allowed AS UsesAllowed, pending AS Pending, completed AS Completed, expiry_time AS ExpiryTime
        FROM registration_tokens
        """;

    private const string SelectOneSql = SelectColumns + " WHERE token = @Token";

    private const string SelectAllSql = SelectColumns + " ORDER BY token";

    private const string DeleteSql = "DELETE FROM registration_tokens WHERE token = @Token";

    private const string SetLimitsSql = """
        UPDATE registration_tokens SET uses_allowed = @UsesAllowed, expiry_time = @ExpiryTime WHERE token = @Token
        """;

    private const string ReserveSql = """
        UPDATE registration_tokens SET pending = pending + 1
        WHERE token = @Token
          AND (uses_allowed IS NULL OR pending + completed < uses_allowed)
          AND (expiry_time IS NULL OR expiry_time > @NowMs)
        """;

    private const string ReleaseSql = "UPDATE registration_tokens SET pending = pending - 1 WHERE token = @Token AND pending > 0";

    private const string CompleteSql = """
        UPDATE registration_tokens SET pending = pending - 1, completed = completed + 1
        WHERE token = @Token AND pending > 0
        """;

    public async Task CreateAsync(RegistrationTokenRecord token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentException.ThrowIfNullOrEmpty(token.Token, nameof(token));
        try
        {
            await ExecuteAsync(InsertSql, token, cancellationToken);
        }
        catch (DbException e) when (database.Dialect.IsUniqueViolation(e))
        {
            throw new StorageConflictException("This registration token already exists.", e);
        }
    }

    public async Task<RegistrationTokenRecord?> FindAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<RegistrationTokenRecord>(
            new CommandDefinition(SelectOneSql, new { Token = token }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<RegistrationTokenRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<RegistrationTokenRecord>(new CommandDefinition(SelectAllSql, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<bool> DeleteAsync(string token, CancellationToken cancellationToken) =>
        await ExecuteAsync(DeleteSql, new { Token = token }, cancellationToken) > 0;

    public async Task<bool> SetLimitsAsync(string token, long? usesAllowed, long? expiryTime, CancellationToken cancellationToken) =>
        await ExecuteAsync(SetLimitsSql, new { Token = token, UsesAllowed = usesAllowed, ExpiryTime = expiryTime }, cancellationToken) > 0;

    public async Task<bool> TryReserveAsync(string token, long nowMs, CancellationToken cancellationToken) =>
        await ExecuteAsync(ReserveSql, new { Token = token, NowMs = nowMs }, cancellationToken) > 0;

    public async Task<bool> ReleaseAsync(string token, CancellationToken cancellationToken) =>
        await ExecuteAsync(ReleaseSql, new { Token = token }, cancellationToken) > 0;

    public async Task<bool> CompleteAsync(string token, CancellationToken cancellationToken) =>
        await ExecuteAsync(CompleteSql, new { Token = token }, cancellationToken) > 0;

    private Task<int> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        database.ExecuteInTransactionAsync(sql, parameters, cancellationToken);
}
