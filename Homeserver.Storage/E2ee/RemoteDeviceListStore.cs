using System.Data.Common;
using Dapper;
using Homeserver.Storage.Database;
using Homeserver.Storage.Events;

namespace Homeserver.Storage.E2ee;

/// <summary>The remote_device_lists and remote_devices tables.</summary>
public sealed class RemoteDeviceListStore(IDatabase database) : IRemoteDeviceListStore
{
    private const string SelectStateSql = """
        SELECT user_id AS UserId, stream_id AS StreamId, stale AS Stale FROM remote_device_lists WHERE user_id = @UserId
        """;

    private const string UpsertListSql = """
        INSERT INTO remote_device_lists (user_id, stream_id, stale, master_key_json, self_signing_key_json)
        VALUES (@UserId, @StreamId, @Stale, @MasterKeyJson, @SelfSigningKeyJson)
        ON CONFLICT (user_id) DO UPDATE SET stream_id = excluded.stream_id, stale = excluded.stale,
            master_key_json = excluded.master_key_json, self_signing_key_json = excluded.self_signing_key_json
        """;

    private const string AdvanceSql = "UPDATE remote_device_lists SET stream_id = @StreamId WHERE user_id = @UserId";

    private const string MarkStaleSql = """
        INSERT INTO remote_device_lists (user_id, stream_id, stale) VALUES (@UserId, 0, @Stale)
        ON CONFLICT (user_id) DO UPDATE SET stale = excluded.stale
        """;

    private const string EnsureListSql = """
        INSERT INTO remote_device_lists (user_id, stream_id, stale) VALUES (@UserId, 0, @Stale)
        ON CONFLICT (user_id) DO NOTHING
        """;

    private const string SetMasterKeySql = "UPDATE remote_device_lists SET master_key_json = @Json WHERE user_id = @UserId";

    private const string SetSelfSigningKeySql = "UPDATE remote_device_lists SET self_signing_key_json = @Json WHERE user_id = @UserId";

    private const string DeleteDevicesSql = "DELETE FROM remote_devices WHERE user_id = @UserId";

    private const string DeleteDeviceSql = "DELETE FROM remote_devices WHERE user_id = @UserId AND device_id = @DeviceId";

    private const string UpsertDeviceSql = """
        INSERT INTO remote_devices (user_id, device_id, keys_json, display_name) VALUES (@UserId, @DeviceId, @KeysJson, @DisplayName)
        ON CONFLICT (user_id, device_id) DO UPDATE SET keys_json = excluded.keys_json, display_name = excluded.display_name
        """;

    private readonly string _selectListsSql = $"""
        SELECT user_id AS UserId, stream_id AS StreamId, stale AS Stale, master_key_json AS MasterKeyJson,
            self_signing_key_json AS SelfSigningKeyJson
        FROM remote_device_lists WHERE {JsonRows.For(database.Dialect).In("user_id", "UserIds")}
        """;

    private readonly string _selectDevicesSql = $"""
        SELECT user_id AS UserId, device_id AS DeviceId, keys_json AS KeysJson, display_name AS DisplayName
        FROM remote_devices WHERE {JsonRows.For(database.Dialect).In("user_id", "UserIds")} ORDER BY user_id, device_id
        """;

    // Classes with setters, not records: Dapper then converts SQLite's integer 0/1 to bool.
    private sealed class ListRow
    {
        public string UserId { get; init; } = "";
        public long StreamId { get; init; }
        public bool Stale { get; init; }
        public string? MasterKeyJson { get; init; }
        public string? SelfSigningKeyJson { get; init; }
    }

    private sealed record DeviceRow(string UserId, string DeviceId, string? KeysJson, string? DisplayName);

    public async Task<RemoteDeviceListState?> GetStateAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ListRow>(new CommandDefinition(SelectStateSql,
            new { UserId = userId }, cancellationToken: cancellationToken));
        return row is null ? null : new RemoteDeviceListState(row.UserId, row.StreamId, row.Stale);
    }

    public async Task<IReadOnlyList<RemoteDeviceList>> GetAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
            return [];
        var parameters = new { UserIds = JsonRows.Encode(userIds) };
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var lists = (await connection.QueryAsync<ListRow>(new CommandDefinition(_selectListsSql, parameters, cancellationToken: cancellationToken)))
            .ToList();
        var devices = (await connection.QueryAsync<DeviceRow>(new CommandDefinition(_selectDevicesSql, parameters,
            cancellationToken: cancellationToken))).ToLookup(d => d.UserId, StringComparer.Ordinal);
        return [.. lists.OrderBy(l => l.UserId, StringComparer.Ordinal).Select(l => new RemoteDeviceList(l.UserId, l.StreamId, l.Stale,
            [.. devices[l.UserId].Select(d => new RemoteDeviceRecord(d.DeviceId, d.KeysJson, d.DisplayName))], l.MasterKeyJson,
            l.SelfSigningKeyJson))];
    }

    public Task ReplaceAsync(string userId, long streamId, IReadOnlyList<RemoteDeviceRecord> devices, string? masterKeyJson,
        string? selfSigningKeyJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(devices);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(UpsertListSql, new
                {
                    UserId = userId, StreamId = streamId, Stale = false, MasterKeyJson = masterKeyJson, SelfSigningKeyJson = selfSigningKeyJson,
                },
                transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(DeleteDevicesSql, new { UserId = userId }, transaction,
                cancellationToken: cancellationToken));
            foreach (var device in devices)
                await UpsertDeviceAsync(connection, transaction, userId, device, cancellationToken);
            await DeviceListStore.AppendAsync(connection, transaction, [userId], cancellationToken);
        }, cancellationToken);
    }

    public Task<bool> ApplyDeviceUpdateAsync(string userId, long streamId, RemoteDeviceRecord device, bool deleted,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteAsync(new CommandDefinition(AdvanceSql, new { UserId = userId, StreamId = streamId }, transaction,
                    cancellationToken: cancellationToken)) == 0)
                return false;
            if (deleted)
                await connection.ExecuteAsync(new CommandDefinition(DeleteDeviceSql, new { UserId = userId, device.DeviceId }, transaction,
                    cancellationToken: cancellationToken));
            else
                await UpsertDeviceAsync(connection, transaction, userId, device, cancellationToken);
            await DeviceListStore.AppendAsync(connection, transaction, [userId], cancellationToken);
            return true;
        }, cancellationToken);
    }

    public Task MarkStaleAsync(string userId, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(MarkStaleSql, new { UserId = userId, Stale = true }, transaction,
                cancellationToken: cancellationToken));
            await DeviceListStore.AppendAsync(connection, transaction, [userId], cancellationToken);
        }, cancellationToken);

    public Task SetCrossSigningKeysAsync(string userId, string? masterKeyJson, string? selfSigningKeyJson, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            // A list created here has no devices yet: it is stale until a resynchronisation fills it.
            await connection.ExecuteAsync(new CommandDefinition(EnsureListSql, new { UserId = userId, Stale = true }, transaction,
                cancellationToken: cancellationToken));
            if (masterKeyJson is not null)
                await connection.ExecuteAsync(new CommandDefinition(SetMasterKeySql, new { UserId = userId, Json = masterKeyJson }, transaction,
                    cancellationToken: cancellationToken));
            if (selfSigningKeyJson is not null)
                await connection.ExecuteAsync(new CommandDefinition(SetSelfSigningKeySql, new { UserId = userId, Json = selfSigningKeyJson },
                    transaction, cancellationToken: cancellationToken));
            await DeviceListStore.AppendAsync(connection, transaction, [userId], cancellationToken);
        }, cancellationToken);

    private static Task UpsertDeviceAsync(DbConnection connection, DbTransaction transaction, string userId, RemoteDeviceRecord device,
        CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(UpsertDeviceSql, new DeviceRow(userId, device.DeviceId, device.KeysJson, device.DisplayName),
            transaction, cancellationToken: cancellationToken));
}
