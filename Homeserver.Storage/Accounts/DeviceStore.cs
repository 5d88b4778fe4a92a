using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Accounts;

/// <summary>The devices table: one method per statement, the same SQL on both backends.</summary>
public sealed class DeviceStore(IDatabase database) : IDeviceStore
{
    // Insert-or-touch as two statements in one transaction: the affected row count of the insert
    // tells a new device from a known one on both backends.
    private const string InsertSql = """
        INSERT INTO devices (user_id, device_id, display_name, last_seen_ts, last_seen_ip)
        VALUES (@UserId, @DeviceId, @DisplayName, @LastSeenTs, @LastSeenIp)
        ON CONFLICT (user_id, device_id) DO NOTHING
        """;

    private const string TouchSql = """
        UPDATE devices SET last_seen_ts = @LastSeenTs, last_seen_ip = @LastSeenIp
        WHERE user_id = @UserId AND device_id = @DeviceId
        """;

    private const string SelectColumns = """
        SELECT user_id AS UserId, device_id AS DeviceId, display_name AS DisplayName,
               last_seen_ts AS LastSeenTs, last_seen_ip AS LastSeenIp
        FROM devices
        """;

    private const string SelectOneSql = SelectColumns + " WHERE user_id = @UserId AND device_id = @DeviceId";

    private const string SelectByUserSql = SelectColumns + " WHERE user_id = @UserId ORDER BY device_id";

    private const string UpdateDisplayNameSql = """
        UPDATE devices SET display_name = @DisplayName WHERE user_id = @UserId AND device_id = @DeviceId
        """;

    private const string DeleteSql = "DELETE FROM devices WHERE user_id = @UserId AND device_id = @DeviceId";

    private const string DeleteAllSql = "DELETE FROM devices WHERE user_id = @UserId";

    public Task<bool> UpsertAsync(DeviceRecord device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentException.ThrowIfNullOrEmpty(device.UserId, nameof(device));
        ArgumentException.ThrowIfNullOrEmpty(device.DeviceId, nameof(device));
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            var inserted = await connection.ExecuteAsync(new CommandDefinition(InsertSql, device, transaction, cancellationToken: cancellationToken));
            if (inserted > 0)
                return true;
            await connection.ExecuteAsync(new CommandDefinition(TouchSql, device, transaction, cancellationToken: cancellationToken));
            return false;
        }, cancellationToken);
    }

    public async Task<DeviceRecord?> FindAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<DeviceRecord>(
            new CommandDefinition(SelectOneSql, new { UserId = userId, DeviceId = deviceId }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<DeviceRecord>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeviceRecord>(
            new CommandDefinition(SelectByUserSql, new { UserId = userId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    public async Task<bool> SetDisplayNameAsync(string userId, string deviceId, string? displayName, CancellationToken cancellationToken) =>
        await ExecuteAsync(UpdateDisplayNameSql, new { UserId = userId, DeviceId = deviceId, DisplayName = displayName }, cancellationToken) > 0;

    public async Task<bool> DeleteAsync(string userId, string deviceId, CancellationToken cancellationToken) =>
        await ExecuteAsync(DeleteSql, new { UserId = userId, DeviceId = deviceId }, cancellationToken) > 0;

    public Task<int> DeleteAllAsync(string userId, CancellationToken cancellationToken) =>
        ExecuteAsync(DeleteAllSql, new { UserId = userId }, cancellationToken);

    private Task<int> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        database.ExecuteInTransactionAsync(sql, parameters, cancellationToken);
}
