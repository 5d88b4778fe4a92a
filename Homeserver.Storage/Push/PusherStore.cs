using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Push;

/// <summary>The pushers table: the same SQL on both backends.</summary>
public sealed class PusherStore(IDatabase database) : IPusherStore
{
    private const string SelectForUserSql = """
        SELECT user_id AS UserId, app_id AS AppId, pushkey AS Pushkey, kind AS Kind, app_display_name AS AppDisplayName,
               device_display_name AS DeviceDisplayName, profile_tag AS ProfileTag, lang AS Lang, data AS DataJson, pushkey_ts AS PushkeyTs
        FROM pushers
        WHERE user_id = @UserId
        ORDER BY app_id, pushkey
        """;

    private const string UpsertSql = """
        INSERT INTO pushers (user_id, app_id, pushkey, kind, app_display_name, device_display_name, profile_tag, lang, data, pushkey_ts)
        VALUES (@UserId, @AppId, @Pushkey, @Kind, @AppDisplayName, @DeviceDisplayName, @ProfileTag, @Lang, @DataJson, @PushkeyTs)
        ON CONFLICT (app_id, pushkey, user_id) DO UPDATE
        SET kind = excluded.kind, app_display_name = excluded.app_display_name, device_display_name = excluded.device_display_name,
            profile_tag = excluded.profile_tag, lang = excluded.lang, data = excluded.data, pushkey_ts = excluded.pushkey_ts
        """;

    private const string DeleteOtherUsersSql = "DELETE FROM pushers WHERE app_id = @AppId AND pushkey = @Pushkey AND user_id <> @UserId";

    private const string DeleteSql = "DELETE FROM pushers WHERE app_id = @AppId AND pushkey = @Pushkey AND user_id = @UserId";

    public async Task<IReadOnlyList<PusherRecord>> GetForUserAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<PusherRecord>(new CommandDefinition(SelectForUserSql, new { UserId = userId }, cancellationToken: cancellationToken))];
    }

    public Task SetAsync(PusherRecord pusher, bool append, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pusher);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            if (!append)
                await connection.ExecuteAsync(new CommandDefinition(DeleteOtherUsersSql, pusher, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(UpsertSql, pusher, transaction, cancellationToken: cancellationToken));
        }, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string userId, string appId, string pushkey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return await database.ExecuteInTransactionAsync(DeleteSql, new { UserId = userId, AppId = appId, Pushkey = pushkey }, cancellationToken) > 0;
    }
}
