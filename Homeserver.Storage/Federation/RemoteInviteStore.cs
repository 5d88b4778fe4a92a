using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Federation;

/// <summary>The remote_invites table; positions are taken from the 'events' row of stream_positions.</summary>
public sealed class RemoteInviteStore(IDatabase database) : IRemoteInviteStore
{
    // Holding the stream row until commit keeps positions committed in order, as for room events.
    private const string NextPositionSql = """
        UPDATE stream_positions SET position = position + 1 WHERE stream = 'events'
        RETURNING position
        """;

    private const string UpsertSql = """
        INSERT INTO remote_invites (room_id, user_id, event_id, room_version, sender, event_json, stripped_state, state, stream_position)
        VALUES (@RoomId, @UserId, @EventId, @RoomVersion, @Sender, @EventJson, @StrippedState, 'invite', @Position)
        ON CONFLICT (room_id, user_id) DO UPDATE
        SET event_id = excluded.event_id, room_version = excluded.room_version, sender = excluded.sender,
            event_json = excluded.event_json, stripped_state = excluded.stripped_state, state = 'invite',
            stream_position = excluded.stream_position
        """;

    private const string Columns = """
        room_id AS RoomId, user_id AS UserId, event_id AS EventId, room_version AS RoomVersion, sender AS Sender,
        event_json AS EventJson, stripped_state AS StrippedState, state AS State, stream_position AS StreamPosition
        """;

    private const string SelectOneSql = $"SELECT {Columns} FROM remote_invites WHERE room_id = @RoomId AND user_id = @UserId";

    private const string SelectChangedSql = $"""
        SELECT {Columns} FROM remote_invites
        WHERE user_id = @UserId AND stream_position > @After AND stream_position <= @UpTo
        ORDER BY stream_position
        """;

    private const string CountPendingSql =
        "SELECT COUNT(*) FROM remote_invites WHERE room_id = @RoomId AND user_id = @UserId AND state = 'invite'";

    private const string RejectSql = """
        UPDATE remote_invites SET state = 'leave', stream_position = @Position
        WHERE room_id = @RoomId AND user_id = @UserId AND state = 'invite'
        """;

    private const string DeleteSql = "DELETE FROM remote_invites WHERE room_id = @RoomId AND user_id = @UserId";

    internal const string MaxPositionSql = "SELECT COALESCE(MAX(stream_position), 0) FROM remote_invites";

    public Task<long> AddAsync(string roomId, string userId, string eventId, string roomVersion, string sender, string eventJson,
        string strippedState, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            var position = await connection.ExecuteScalarAsync<long>(
                new CommandDefinition(NextPositionSql, transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(UpsertSql, new
            {
                RoomId = roomId, UserId = userId, EventId = eventId, RoomVersion = roomVersion, Sender = sender, EventJson = eventJson,
                StrippedState = strippedState, Position = position,
            }, transaction, cancellationToken: cancellationToken));
            return position;
        }, cancellationToken);

    public async Task<RemoteInviteRecord?> GetAsync(string roomId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<RemoteInviteRecord>(
            new CommandDefinition(SelectOneSql, new { RoomId = roomId, UserId = userId }, cancellationToken: cancellationToken));
    }

    public Task<bool> MarkRejectedAsync(string roomId, string userId, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            var pending = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountPendingSql,
                new { RoomId = roomId, UserId = userId }, transaction, cancellationToken: cancellationToken));
            if (pending == 0) return false;
            var position = await connection.ExecuteScalarAsync<long>(
                new CommandDefinition(NextPositionSql, transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(RejectSql, new { RoomId = roomId, UserId = userId, Position = position },
                transaction, cancellationToken: cancellationToken));
            return true;
        }, cancellationToken);

    public Task RemoveAsync(string roomId, string userId, CancellationToken cancellationToken) =>
        database.ExecuteInTransactionAsync(DeleteSql, new { RoomId = roomId, UserId = userId }, cancellationToken);

    public async Task<IReadOnlyList<RemoteInviteRecord>> GetChangedAsync(string userId, long afterExclusive, long upToInclusive,
        CancellationToken cancellationToken)
    {
        if (upToInclusive <= afterExclusive) return [];
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RemoteInviteRecord>(new CommandDefinition(SelectChangedSql,
            new { UserId = userId, After = afterExclusive, UpTo = upToInclusive }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    public async Task<long> GetMaxPositionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(MaxPositionSql, cancellationToken: cancellationToken));
    }
}
