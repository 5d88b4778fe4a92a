using Dapper;

namespace Homeserver.Storage.Events;

/// <summary>The <see cref="IRoomReadStore"/> queries: later joins and forgotten rooms.</summary>
public sealed partial class RoomEventStore : IRoomReadStore
{
    private const string SelectJoinedAfterSql = """
        SELECT COUNT(*) FROM events e
        WHERE e.room_id = @RoomId AND e.type = 'm.room.member' AND e.state_key = @UserId AND e.membership = 'join'
          AND e.stream_ordering > @StreamOrdering AND e.rejection_reason IS NULL AND NOT e.is_soft_failed AND NOT e.is_outlier
        """;

    private const string InsertForgottenSql = """
        INSERT INTO forgotten_rooms (user_id, room_id) VALUES (@UserId, @RoomId) ON CONFLICT (user_id, room_id) DO NOTHING
        """;

    private const string DeleteForgottenSql = "DELETE FROM forgotten_rooms WHERE user_id = @UserId AND room_id = @RoomId";

    internal const string SelectForgottenSql = "SELECT room_id FROM forgotten_rooms WHERE user_id = @UserId";

    public async Task<bool> HasJoinedAfterAsync(string roomId, string userId, long streamOrdering, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            SelectJoinedAfterSql, new { RoomId = roomId, UserId = userId, StreamOrdering = streamOrdering }, cancellationToken: cancellationToken));
        return count > 0;
    }

    public async Task ForgetRoomAsync(string userId, string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertForgottenSql, new { UserId = userId, RoomId = roomId }, cancellationToken: cancellationToken));
    }

    public async Task UnforgetRoomAsync(string userId, string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(DeleteForgottenSql, new { UserId = userId, RoomId = roomId }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlySet<string>> GetForgottenRoomsAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rooms = await connection.QueryAsync<string>(new CommandDefinition(SelectForgottenSql, new { UserId = userId }, cancellationToken: cancellationToken));
        return rooms.ToHashSet(StringComparer.Ordinal);
    }
}
