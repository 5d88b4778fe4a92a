using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.E2ee;

/// <summary>The e2e_one_time_keys table.</summary>
public sealed class OneTimeKeyStore(IDatabase database) : IOneTimeKeyStore
{
    private const string NextUploadSql = """
        UPDATE stream_positions SET position = position + 1 WHERE stream = 'e2e_one_time_key_uploads'
        RETURNING position
        """;

    private const string SelectOneSql = """
        SELECT key_json FROM e2e_one_time_keys
        WHERE user_id = @UserId AND device_id = @DeviceId AND algorithm = @Algorithm AND key_id = @KeyId
        """;

    private const string InsertSql = """
        INSERT INTO e2e_one_time_keys (user_id, device_id, algorithm, key_id, key_json, upload_order)
        VALUES (@UserId, @DeviceId, @Algorithm, @KeyId, @KeyJson, @UploadOrder)
        """;

    private const string CountSql = """
        SELECT algorithm AS Algorithm, COUNT(*) AS Count FROM e2e_one_time_keys
        WHERE user_id = @UserId AND device_id = @DeviceId GROUP BY algorithm
        """;

    private const string DeleteForDeviceSql = "DELETE FROM e2e_one_time_keys WHERE user_id = @UserId AND device_id = @DeviceId";

    /// <summary>
    /// One statement picks the oldest key and deletes it, returning it only to the claim whose delete
    /// removed the row. PostgreSQL skips rows another claim holds locked, so parallel claims take
    /// different keys instead of one of them finding its pick gone; SQLite runs one writer at a time.
    /// </summary>
    private readonly string _claimSql = $"""
        DELETE FROM e2e_one_time_keys
        WHERE user_id = @UserId AND device_id = @DeviceId AND algorithm = @Algorithm AND key_id = (
            SELECT key_id FROM e2e_one_time_keys
            WHERE user_id = @UserId AND device_id = @DeviceId AND algorithm = @Algorithm
            ORDER BY upload_order, key_id LIMIT 1{(database.Dialect.Backend == DatabaseBackend.Postgres ? " FOR UPDATE SKIP LOCKED" : "")})
        RETURNING algorithm AS Algorithm, key_id AS KeyId, key_json AS KeyJson
        """;

    public Task AddAsync(string userId, string deviceId, IReadOnlyList<OneTimeKeyRecord> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
            return Task.CompletedTask;
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            var uploadOrder = await connection.ExecuteScalarAsync<long>(
                new CommandDefinition(NextUploadSql, transaction: transaction, cancellationToken: cancellationToken));
            foreach (var key in keys)
            {
                var existing = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectOneSql,
                    new { UserId = userId, DeviceId = deviceId, key.Algorithm, key.KeyId }, transaction, cancellationToken: cancellationToken));
                if (existing is not null)
                {
                    if (existing != key.KeyJson)
                        throw new StorageConflictException($"One-time key {key.Algorithm}:{key.KeyId} is already stored with other content.");
                    continue;
                }
                await connection.ExecuteAsync(new CommandDefinition(InsertSql,
                    new { UserId = userId, DeviceId = deviceId, key.Algorithm, key.KeyId, key.KeyJson, UploadOrder = uploadOrder },
                    transaction, cancellationToken: cancellationToken));
            }
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<OneTimeKeyRecord>> FindAsync(string userId, string deviceId, IReadOnlyCollection<OneTimeKeyRecord> keys,
        CancellationToken cancellationToken)
    {
        var found = new List<OneTimeKeyRecord>();
        if (keys.Count == 0)
            return found;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        foreach (var key in keys)
        {
            var json = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectOneSql,
                new { UserId = userId, DeviceId = deviceId, key.Algorithm, key.KeyId }, cancellationToken: cancellationToken));
            if (json is not null)
                found.Add(key with { KeyJson = json });
        }
        return found;
    }

    public async Task<IReadOnlyDictionary<string, long>> CountAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Algorithm, long Count)>(new CommandDefinition(CountSql,
            new { UserId = userId, DeviceId = deviceId }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Algorithm, r => r.Count, StringComparer.Ordinal);
    }

    public Task<OneTimeKeyRecord?> ClaimAsync(string userId, string deviceId, string algorithm, CancellationToken cancellationToken) =>
        database.InTransactionAsync((connection, transaction) => connection.QuerySingleOrDefaultAsync<OneTimeKeyRecord?>(
            new CommandDefinition(_claimSql, new { UserId = userId, DeviceId = deviceId, Algorithm = algorithm }, transaction,
                cancellationToken: cancellationToken)), cancellationToken);

    public Task DeleteForDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken) =>
        database.ExecuteInTransactionAsync(DeleteForDeviceSql, new { UserId = userId, DeviceId = deviceId }, cancellationToken);
}
