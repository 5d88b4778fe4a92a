using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.E2ee;

/// <summary>The dehydrated_devices table.</summary>
public sealed class DehydratedDeviceStore(IDatabase database) : IDehydratedDeviceStore
{
    // A no-op update locks the user's row (PostgreSQL) so parallel replacements each see the one they replace.
    private const string LockPreviousSql = """
        UPDATE dehydrated_devices SET device_id = device_id WHERE user_id = @UserId
        RETURNING device_id
        """;

    private const string UpsertSql = """
        INSERT INTO dehydrated_devices (user_id, device_id, device_data) VALUES (@UserId, @DeviceId, @DeviceDataJson)
        ON CONFLICT (user_id) DO UPDATE SET device_id = excluded.device_id, device_data = excluded.device_data
        """;

    private const string SelectSql = """
        SELECT user_id AS UserId, device_id AS DeviceId, device_data AS DeviceDataJson FROM dehydrated_devices WHERE user_id = @UserId
        """;

    private const string DeleteSql = "DELETE FROM dehydrated_devices WHERE user_id = @UserId AND device_id = @DeviceId";

    public Task<string?> SetAsync(DehydratedDeviceRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.UserId);
        ArgumentException.ThrowIfNullOrEmpty(record.DeviceId);
        ArgumentException.ThrowIfNullOrEmpty(record.DeviceDataJson);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            var previous = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(LockPreviousSql, new { record.UserId },
                transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(UpsertSql, record, transaction, cancellationToken: cancellationToken));
            return previous;
        }, cancellationToken);
    }

    public async Task<DehydratedDeviceRecord?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<DehydratedDeviceRecord?>(new CommandDefinition(SelectSql, new { UserId = userId },
            cancellationToken: cancellationToken));
    }

    public async Task<bool> DeleteAsync(string userId, string deviceId, CancellationToken cancellationToken) =>
        await database.ExecuteInTransactionAsync(DeleteSql, new { UserId = userId, DeviceId = deviceId }, cancellationToken) > 0;
}
