using Dapper;
using Homeserver.Storage.Database;
using Homeserver.Storage.Events;

namespace Homeserver.Storage.E2ee;

/// <summary>The e2e_device_keys table.</summary>
public sealed class DeviceKeyStore(IDatabase database) : IDeviceKeyStore
{
    private const string SelectColumns = "SELECT user_id AS UserId, device_id AS DeviceId, key_json AS KeyJson FROM e2e_device_keys";

    private const string SelectOneSql = SelectColumns + " WHERE user_id = @UserId AND device_id = @DeviceId";

    private const string UpsertSql = """
        INSERT INTO e2e_device_keys (user_id, device_id, key_json, ts) VALUES (@UserId, @DeviceId, @KeyJson, @Ts)
        ON CONFLICT (user_id, device_id) DO UPDATE SET key_json = excluded.key_json, ts = excluded.ts
        """;

    private const string DeleteSql = "DELETE FROM e2e_device_keys WHERE user_id = @UserId AND device_id = @DeviceId";

    private readonly string _selectForUsersSql =
        $"{SelectColumns} WHERE {JsonRows.For(database.Dialect).In("user_id", "UserIds")} ORDER BY user_id, device_id";

    public async Task<DeviceKeysRecord?> GetAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<DeviceKeysRecord>(new CommandDefinition(SelectOneSql,
            new { UserId = userId, DeviceId = deviceId }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<DeviceKeysRecord>> GetForUsersAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
            return [];
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<DeviceKeysRecord>(new CommandDefinition(_selectForUsersSql,
            new { UserIds = JsonRows.Encode(userIds) }, cancellationToken: cancellationToken))];
    }

    public Task SetAsync(DeviceKeysRecord keys, long ts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(UpsertSql, new { keys.UserId, keys.DeviceId, keys.KeyJson, Ts = ts },
                transaction, cancellationToken: cancellationToken));
            await DeviceListStore.AppendAsync(connection, transaction, [keys.UserId], cancellationToken);
        }, cancellationToken);
    }

    public Task<bool> DeleteAsync(string userId, string deviceId, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            var deleted = await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { UserId = userId, DeviceId = deviceId },
                transaction, cancellationToken: cancellationToken));
            if (deleted > 0)
                await DeviceListStore.AppendAsync(connection, transaction, [userId], cancellationToken);
            return deleted > 0;
        }, cancellationToken);
}
