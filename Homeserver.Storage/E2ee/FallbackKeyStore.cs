using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.E2ee;

/// <summary>The e2e_fallback_keys table.</summary>
public sealed class FallbackKeyStore(IDatabase database) : IFallbackKeyStore
{
    // Re-uploading the same key keeps its used flag (a client repeating a lost request must not revive a used key).
    private const string UpsertSql = """
        INSERT INTO e2e_fallback_keys (user_id, device_id, algorithm, key_id, key_json, used)
        VALUES (@UserId, @DeviceId, @Algorithm, @KeyId, @KeyJson, @Used)
        ON CONFLICT (user_id, device_id, algorithm) DO UPDATE
        SET key_id = excluded.key_id, key_json = excluded.key_json, used = excluded.used
        WHERE e2e_fallback_keys.key_id <> excluded.key_id OR e2e_fallback_keys.key_json <> excluded.key_json
        """;

    private const string ClaimSql = """
        UPDATE e2e_fallback_keys SET used = @Used
        WHERE user_id = @UserId AND device_id = @DeviceId AND algorithm = @Algorithm
        RETURNING algorithm AS Algorithm, key_id AS KeyId, key_json AS KeyJson
        """;

    private const string SelectUnusedSql = """
        SELECT algorithm FROM e2e_fallback_keys
        WHERE user_id = @UserId AND device_id = @DeviceId AND used = @Used
        ORDER BY algorithm
        """;

    private const string DeleteForDeviceSql = "DELETE FROM e2e_fallback_keys WHERE user_id = @UserId AND device_id = @DeviceId";

    public Task SetAsync(string userId, string deviceId, OneTimeKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return database.ExecuteInTransactionAsync(UpsertSql,
            new { UserId = userId, DeviceId = deviceId, key.Algorithm, key.KeyId, key.KeyJson, Used = false }, cancellationToken);
    }

    public Task<OneTimeKeyRecord?> ClaimAsync(string userId, string deviceId, string algorithm, CancellationToken cancellationToken) =>
        database.InTransactionAsync((connection, transaction) => connection.QuerySingleOrDefaultAsync<OneTimeKeyRecord?>(
            new CommandDefinition(ClaimSql, new { UserId = userId, DeviceId = deviceId, Algorithm = algorithm, Used = true }, transaction,
                cancellationToken: cancellationToken)), cancellationToken);

    public async Task<IReadOnlyList<string>> GetUnusedAlgorithmsAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(SelectUnusedSql,
            new { UserId = userId, DeviceId = deviceId, Used = false }, cancellationToken: cancellationToken))];
    }

    public Task DeleteForDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken) =>
        database.ExecuteInTransactionAsync(DeleteForDeviceSql, new { UserId = userId, DeviceId = deviceId }, cancellationToken);
}
