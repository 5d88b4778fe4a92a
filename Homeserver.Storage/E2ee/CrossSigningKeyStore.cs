using Dapper;
using Homeserver.Storage.Database;
using Homeserver.Storage.Events;

namespace Homeserver.Storage.E2ee;

/// <summary>The e2e_cross_signing_keys table.</summary>
public sealed class CrossSigningKeyStore(IDatabase database) : ICrossSigningKeyStore
{
    private const string SelectColumns = """
        SELECT user_id AS UserId, key_type AS KeyType, key_id AS KeyId, key_json AS KeyJson FROM e2e_cross_signing_keys
        """;

    private const string SelectOneSql = SelectColumns + " WHERE user_id = @UserId AND key_type = @KeyType";

    private const string UpsertSql = """
        INSERT INTO e2e_cross_signing_keys (user_id, key_type, key_id, key_json) VALUES (@UserId, @KeyType, @KeyId, @KeyJson)
        ON CONFLICT (user_id, key_type) DO UPDATE SET key_id = excluded.key_id, key_json = excluded.key_json
        """;

    private readonly string _selectForUsersSql =
        $"{SelectColumns} WHERE {JsonRows.For(database.Dialect).In("user_id", "UserIds")} ORDER BY user_id, key_type";

    public async Task<IReadOnlyList<CrossSigningKeyRecord>> GetForUsersAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
            return [];
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<CrossSigningKeyRecord>(new CommandDefinition(_selectForUsersSql,
            new { UserIds = JsonRows.Encode(userIds) }, cancellationToken: cancellationToken))];
    }

    public Task SetAsync(string userId, IReadOnlyList<CrossSigningKeyRecord> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Any(k => k.UserId != userId))
            throw new ArgumentException("All keys must belong to the user.", nameof(keys));
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var key in keys)
            {
                var previous = await connection.QuerySingleOrDefaultAsync<CrossSigningKeyRecord>(new CommandDefinition(SelectOneSql,
                    new { UserId = userId, key.KeyType }, transaction, cancellationToken: cancellationToken));
                if (previous is not null && previous.KeyId != key.KeyId)
                    await KeySignatureStore.DeleteBySignerAsync(connection, transaction, userId, previous.KeyId, cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(UpsertSql, key, transaction, cancellationToken: cancellationToken));
            }
            await DeviceListStore.AppendAsync(connection, transaction, [userId], cancellationToken);
        }, cancellationToken);
    }
}
