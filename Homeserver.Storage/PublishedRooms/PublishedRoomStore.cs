using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.PublishedRooms;

/// <summary>The published_rooms table, and member counts from room_memberships: the same SQL on both backends.</summary>
public sealed class PublishedRoomStore(IDatabase database) : IPublishedRoomStore
{
    private const string InsertSql = """
        INSERT INTO published_rooms (room_id, published_ts) VALUES (@RoomId, @PublishedTs) ON CONFLICT (room_id) DO NOTHING
        """;

    private const string DeleteSql = "DELETE FROM published_rooms WHERE room_id = @RoomId";

    private const string SelectOneSql = "SELECT COUNT(*) FROM published_rooms WHERE room_id = @RoomId";

    private const string SelectAllSql = "SELECT room_id FROM published_rooms ORDER BY room_id";

    private const string CountJoinedSql = """
        SELECT room_id AS RoomId, COUNT(*) AS Count FROM room_memberships
        WHERE room_id IN (SELECT room_id FROM published_rooms) AND membership = 'join'
        GROUP BY room_id
        """;

    private const string CountJoinedInRoomSql = "SELECT COUNT(*) FROM room_memberships WHERE room_id = @RoomId AND membership = 'join'";

    public Task PublishAsync(string roomId, long publishedTs, CancellationToken cancellationToken) =>
        database.ExecuteInTransactionAsync(InsertSql, new { RoomId = roomId, PublishedTs = publishedTs }, cancellationToken);

    public Task UnpublishAsync(string roomId, CancellationToken cancellationToken) =>
        database.ExecuteInTransactionAsync(DeleteSql, new { RoomId = roomId }, cancellationToken);

    public async Task<bool> IsPublishedAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(SelectOneSql, new { RoomId = roomId }, cancellationToken: cancellationToken)) > 0;
    }

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(SelectAllSql, cancellationToken: cancellationToken))];
    }

    public async Task<IReadOnlyDictionary<string, long>> GetPublishedJoinedMemberCountsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string RoomId, long Count)>(new CommandDefinition(CountJoinedSql, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.RoomId, r => r.Count, StringComparer.Ordinal);
    }

    public async Task<long> GetJoinedMemberCountAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountJoinedInRoomSql, new { RoomId = roomId }, cancellationToken: cancellationToken));
    }
}
