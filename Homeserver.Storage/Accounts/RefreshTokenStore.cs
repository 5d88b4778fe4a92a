using System.Data.Common;
using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Accounts;

/// <summary>The refresh_tokens table: one method per statement, the same SQL on both backends.</summary>
public sealed class RefreshTokenStore(IDatabase database, TimeProvider timeProvider) : IRefreshTokenStore
{
    private const string InsertSql = """
        INSERT INTO refresh_tokens (token_hash, user_id, device_id, access_token_hash, created_ts)
        VALUES (@TokenHash, @UserId, @DeviceId, @AccessTokenHash, @CreatedTs)
        """;

    private const string TakeSql = """
        DELETE FROM refresh_tokens WHERE token_hash = @TokenHash
        RETURNING user_id AS UserId, device_id AS DeviceId, access_token_hash AS AccessTokenHash
        """;

    private const string DeleteByDeviceSql = "DELETE FROM refresh_tokens WHERE user_id = @UserId AND device_id = @DeviceId";

    private const string DeleteByUserSql = "DELETE FROM refresh_tokens WHERE user_id = @UserId";

    private const string DeleteByUserExceptDeviceSql = "DELETE FROM refresh_tokens WHERE user_id = @UserId AND device_id <> @KeepDeviceId";

    public async Task AddAsync(byte[] tokenHash, RefreshTokenRecord record, CancellationToken cancellationToken)
    {
        TokenHash.Check(tokenHash);
        ArgumentNullException.ThrowIfNull(record);
        TokenHash.Check(record.AccessTokenHash);
        ArgumentException.ThrowIfNullOrEmpty(record.UserId, nameof(record));
        ArgumentException.ThrowIfNullOrEmpty(record.DeviceId, nameof(record));
        var parameters = new
        {
            TokenHash = tokenHash,
            record.UserId,
            record.DeviceId,
            record.AccessTokenHash,
            CreatedTs = timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        try
        {
            await database.ExecuteInTransactionAsync(InsertSql, parameters, cancellationToken);
        }
        catch (DbException e) when (database.Dialect.IsUniqueViolation(e))
        {
            throw new StorageConflictException("A refresh token with this hash is already stored.", e);
        }
    }

    public Task<RefreshTokenRecord?> TakeAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        TokenHash.Check(tokenHash);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<RefreshTokenRow>(
                new CommandDefinition(TakeSql, new { TokenHash = tokenHash }, transaction, cancellationToken: cancellationToken));
            return row is null ? null : new RefreshTokenRecord(row.UserId, row.DeviceId, row.AccessTokenHash);
        }, cancellationToken);
    }

    public Task<int> DeleteByDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken) =>
        database.ExecuteInTransactionAsync(DeleteByDeviceSql, new { UserId = userId, DeviceId = deviceId }, cancellationToken);

    public Task<int> DeleteByUserAsync(string userId, string? keepDeviceId, CancellationToken cancellationToken) =>
        database.ExecuteInTransactionAsync(keepDeviceId is null ? DeleteByUserSql : DeleteByUserExceptDeviceSql, new { UserId = userId, KeepDeviceId = keepDeviceId }, cancellationToken);


    private sealed class RefreshTokenRow
    {
        public string UserId { get; init; } = "";
        public string DeviceId { get; init; } = "";
        public byte[] AccessTokenHash { get; init; } = [];
    }
}
