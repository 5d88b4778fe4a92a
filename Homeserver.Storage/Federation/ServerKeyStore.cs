using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Federation;

/// <summary>The server_verify_keys and server_key_responses tables; the same SQL on both backends.</summary>
public sealed class ServerKeyStore(IDatabase database) : IServerKeyStore
{
    private const string SelectKeysSql = """
        SELECT key_id AS KeyId, public_key AS PublicKey, valid_until_ts AS ValidUntilTs
        FROM server_verify_keys WHERE server_name = @ServerName ORDER BY key_id
        """;

    private const string SelectResponseSql = """
        SELECT server_name AS ServerName, response_json AS ResponseJson, valid_until_ts AS ValidUntilTs, fetched_ts AS FetchedTs
        FROM server_key_responses WHERE server_name = @ServerName
        """;

    private const string UpsertKeySql = """
        INSERT INTO server_verify_keys (server_name, key_id, public_key, valid_until_ts)
        VALUES (@ServerName, @KeyId, @PublicKey, @ValidUntilTs)
        ON CONFLICT (server_name, key_id) DO UPDATE SET public_key = excluded.public_key, valid_until_ts = excluded.valid_until_ts
        """;

    private const string UpsertResponseSql = """
        INSERT INTO server_key_responses (server_name, response_json, valid_until_ts, fetched_ts)
        VALUES (@ServerName, @ResponseJson, @ValidUntilTs, @FetchedTs)
        ON CONFLICT (server_name) DO UPDATE SET response_json = excluded.response_json, valid_until_ts = excluded.valid_until_ts,
            fetched_ts = excluded.fetched_ts
        """;

    public async Task<IReadOnlyList<StoredServerKey>> GetKeysAsync(string serverName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(serverName);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var keys = await connection.QueryAsync<StoredServerKey>(
            new CommandDefinition(SelectKeysSql, new { ServerName = serverName }, cancellationToken: cancellationToken));
        return keys.AsList();
    }

    public async Task<StoredKeyResponse?> GetResponseAsync(string serverName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(serverName);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<StoredKeyResponse>(
            new CommandDefinition(SelectResponseSql, new { ServerName = serverName }, cancellationToken: cancellationToken));
    }

    public Task SaveAsync(StoredKeyResponse response, IReadOnlyList<StoredServerKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentException.ThrowIfNullOrEmpty(response.ServerName);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(UpsertResponseSql, response, transaction, cancellationToken: cancellationToken));
            foreach (var key in keys)
                await connection.ExecuteAsync(new CommandDefinition(UpsertKeySql,
                    new { response.ServerName, key.KeyId, key.PublicKey, key.ValidUntilTs }, transaction, cancellationToken: cancellationToken));
        }, cancellationToken);
    }
}
