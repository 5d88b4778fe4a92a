using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.RoomAliases;

/// <summary>The room_aliases table: one method per statement, the same SQL on both backends.</summary>
public sealed class RoomAliasStore(IDatabase database) : IRoomAliasStore
{
    // ON CONFLICT DO NOTHING makes a taken alias a zero-row insert on both backends, without an error to catch.
    private const string InsertSql = """
        INSERT INTO room_aliases (room_alias, room_id, creator) VALUES (@RoomAlias, @RoomId, @Creator)
        ON CONFLICT (room_alias) DO NOTHING
        """;

    private const string SelectSql = "SELECT room_alias AS RoomAlias, room_id AS RoomId, creator AS Creator FROM room_aliases WHERE room_alias = @RoomAlias";

    private const string DeleteSql = "DELETE FROM room_aliases WHERE room_alias = @RoomAlias";

    private const string MoveAllSql = "UPDATE room_aliases SET room_id = @ToRoomId WHERE room_id = @FromRoomId";

    private const string SelectForRoomSql = "SELECT room_alias FROM room_aliases WHERE room_id = @RoomId ORDER BY room_alias";

    public async Task<bool> AddAsync(string roomAlias, string roomId, string creator, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomAlias);
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        ArgumentException.ThrowIfNullOrEmpty(creator);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(InsertSql,
            new { RoomAlias = roomAlias, RoomId = roomId, Creator = creator }, cancellationToken: cancellationToken));
        return inserted == 1;
    }

    public async Task<RoomAliasRecord?> GetAsync(string roomAlias, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomAlias);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<RoomAliasRecord>(
            new CommandDefinition(SelectSql, new { RoomAlias = roomAlias }, cancellationToken: cancellationToken));
    }

    public async Task<bool> DeleteAsync(string roomAlias, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomAlias);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { RoomAlias = roomAlias }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<int> MoveAllAsync(string fromRoomId, string toRoomId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(fromRoomId);
        ArgumentException.ThrowIfNullOrEmpty(toRoomId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(MoveAllSql,
            new { FromRoomId = fromRoomId, ToRoomId = toRoomId }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<string>> ListForRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var aliases = await connection.QueryAsync<string>(
            new CommandDefinition(SelectForRoomSql, new { RoomId = roomId }, cancellationToken: cancellationToken));
        return aliases.AsList();
    }
}
