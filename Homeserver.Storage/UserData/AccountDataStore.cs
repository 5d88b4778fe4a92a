using System.Data.Common;
using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.UserData;

/// <summary>
/// The account_data table and its stream counter. Each write first advances the counter row, which
/// holds that row's lock (PostgreSQL) or the database's write lock (SQLite) until commit: writes are
/// serialised, positions commit in order, and read-modify-write sees the latest content.
/// </summary>
public sealed class AccountDataStore(IDatabase database) : IAccountDataStore
{
    private const string NextPositionSql = """
        UPDATE account_data_stream SET position = position + 1 WHERE id = 1
        RETURNING position
        """;

    internal const string CurrentPositionSql = "SELECT position FROM account_data_stream WHERE id = 1";

    private const string SelectContentSql = """
        SELECT content FROM account_data
        WHERE user_id = @UserId AND room_id = @RoomId AND type = @Type
        """;

    private const string UpsertSql = """
        INSERT INTO account_data (user_id, room_id, type, content, stream_position)
        VALUES (@UserId, @RoomId, @Type, @Content, @Position)
        ON CONFLICT (user_id, room_id, type) DO UPDATE
        SET content = excluded.content, stream_position = excluded.stream_position
        """;

    private const string SelectChangedSinceSql = """
        SELECT user_id AS UserId, room_id AS RoomId, type AS Type, content AS ContentJson, stream_position AS StreamPosition
        FROM account_data
        WHERE user_id = @UserId AND stream_position > @Since
        ORDER BY stream_position
        """;

    public async Task<string?> GetAsync(string userId, string roomId, string type, CancellationToken cancellationToken)
    {
        CheckKey(userId, roomId, type);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(
            new CommandDefinition(SelectContentSql, new { UserId = userId, RoomId = roomId, Type = type }, cancellationToken: cancellationToken));
    }

    public Task<long> SetAsync(string userId, string roomId, string type, string contentJson, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentJson);
        return UpdateAsync(userId, roomId, type, _ => contentJson, cancellationToken);
    }

    public Task<long> UpdateAsync(string userId, string roomId, string type, Func<string?, string> update, CancellationToken cancellationToken)
    {
        CheckKey(userId, roomId, type);
        ArgumentNullException.ThrowIfNull(update);
        var key = new { UserId = userId, RoomId = roomId, Type = type };
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            // First: takes the stream lock, so the read below sees every earlier write.
            var position = await NextPositionAsync(connection, transaction, cancellationToken);
            var current = await connection.ExecuteScalarAsync<string?>(
                new CommandDefinition(SelectContentSql, key, transaction, cancellationToken: cancellationToken));
            var content = update(current);
            ArgumentException.ThrowIfNullOrEmpty(content, nameof(update));
            await connection.ExecuteAsync(new CommandDefinition(UpsertSql,
                new { UserId = userId, RoomId = roomId, Type = type, Content = content, Position = position },
                transaction, cancellationToken: cancellationToken));
            return position;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<AccountDataRecord>> GetAccountDataChangedSinceAsync(string userId, long sincePosition, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentOutOfRangeException.ThrowIfNegative(sincePosition);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AccountDataRecord>(
            new CommandDefinition(SelectChangedSinceSql, new { UserId = userId, Since = sincePosition }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    public async Task<long> GetCurrentPositionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(CurrentPositionSql, cancellationToken: cancellationToken));
    }

    private static Task<long> NextPositionAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(NextPositionSql, transaction: transaction, cancellationToken: cancellationToken));

    private static void CheckKey(string userId, string roomId, string type)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(roomId);
        ArgumentException.ThrowIfNullOrEmpty(type);
    }
}
