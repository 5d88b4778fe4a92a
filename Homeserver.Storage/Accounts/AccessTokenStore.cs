using System.Data.Common;
using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Accounts;

/// <summary>The access_tokens table: one method per statement, the same SQL on both backends.</summary>
public sealed class AccessTokenStore(IDatabase database, TimeProvider timeProvider) : IAccessTokenStore
{
    private const string InsertSql = """
        INSERT INTO access_tokens (token_hash, user_id, device_id, expires_at_ms, is_guest, created_ts)
        VALUES (@TokenHash, @UserId, @DeviceId, @ExpiresAtMs, @IsGuest, @CreatedTs)
        """;

    private const string SelectByHashSql = """
        SELECT user_id AS UserId, device_id AS DeviceId, expires_at_ms AS ExpiresAtMs, is_guest AS IsGuest
        FROM access_tokens
        WHERE token_hash = @TokenHash
        """;

    private const string DeleteByHashSql = "DELETE FROM access_tokens WHERE token_hash = @TokenHash";

    private const string DeleteByDeviceSql = "DELETE FROM access_tokens WHERE user_id = @UserId AND device_id = @DeviceId";

    private const string DeleteByUserSql = "DELETE FROM access_tokens WHERE user_id = @UserId";

    private const string DeleteByUserExceptDeviceSql = "DELETE FROM access_tokens WHERE user_id = @UserId AND device_id <> @KeepDeviceId";

    public async Task<AccessTokenRecord?> FindByTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        TokenHash.Check(tokenHash);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<AccessTokenRow>(
            new CommandDefinition(SelectByHashSql, new { TokenHash = tokenHash }, cancellationToken: cancellationToken));
        return row is null ? null : new AccessTokenRecord(row.UserId, row.DeviceId, row.ExpiresAtMs, row.IsGuest);
    }

    /// <summary>Stores a new token; throws <see cref="StorageConflictException"/> if the hash is already stored.</summary>
    public async Task AddAsync(byte[] tokenHash, AccessTokenRecord record, CancellationToken cancellationToken)
    {
        TokenHash.Check(tokenHash);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.UserId, nameof(record));
        ArgumentException.ThrowIfNullOrEmpty(record.DeviceId, nameof(record));
        var parameters = new
        {
            TokenHash = tokenHash,
            record.UserId,
            record.DeviceId,
            record.ExpiresAtMs,
            record.IsGuest,
            CreatedTs = timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        try
        {
            await database.ExecuteInTransactionAsync(InsertSql, parameters, cancellationToken);
        }
        catch (DbException e) when (database.Dialect.IsUniqueViolation(e))
        {
            throw new StorageConflictException("An access token with this hash is already stored.", e);
        }
    }

    public async Task<bool> DeleteAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        TokenHash.Check(tokenHash);
        var deleted = await database.ExecuteInTransactionAsync(DeleteByHashSql, new { TokenHash = tokenHash }, cancellationToken);
        return deleted > 0;
    }

    public Task<int> DeleteByDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken) =>
        database.ExecuteInTransactionAsync(DeleteByDeviceSql, new { UserId = userId, DeviceId = deviceId }, cancellationToken);

    public Task<int> DeleteByUserAsync(string userId, string? keepDeviceId, CancellationToken cancellationToken) =>
        database.ExecuteInTransactionAsync(keepDeviceId is null ? DeleteByUserSql : DeleteByUserExceptDeviceSql, new { UserId = userId, KeepDeviceId = keepDeviceId }, cancellationToken);


    /// <summary>Dapper target: property setters convert SQLite's integer is_guest to bool.</summary>
    private sealed class AccessTokenRow
    {
        public string UserId { get; init; } = "";
        public string DeviceId { get; init; } = "";
        public long? ExpiresAtMs { get; init; }
        public bool IsGuest { get; init; }
    }
}
