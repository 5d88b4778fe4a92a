using Dapper;

namespace Homeserver.Storage.Events;

/// <summary>Whose membership moved in a stream range, over many rooms in one read (device-list changes of a sync).</summary>
public sealed partial class RoomEventStore
{
    public async Task<IReadOnlyList<(string RoomId, string UserId)>> GetMembersChangedInRoomsAsync(IReadOnlyCollection<string> roomIds,
        long afterExclusive, long upToInclusive, int limit, CancellationToken cancellationToken)
    {
        var rooms = DistinctNonEmpty(roomIds, nameof(roomIds));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (rooms.Count == 0 || upToInclusive <= afterExclusive)
            return [];
        // The same events as the timeline reads (a stream position, not rejected, not soft-failed). The (room_id, stream_ordering)
        // index gives each room's events of the range; only member events are grouped, and the earliest first kept.
        var sql = $"""
            SELECT e.room_id AS RoomId, e.state_key AS UserId
            FROM events e
            WHERE {_rows.In("e.room_id", "Rooms")} AND e.stream_ordering > @After AND e.stream_ordering <= @UpTo
              AND e.type = 'm.room.member' AND e.state_key IS NOT NULL AND {VisibleCondition}
            GROUP BY e.room_id, e.state_key
            ORDER BY MIN(e.stream_ordering)
            LIMIT @Limit
            """;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RoomUserRow>(new CommandDefinition(sql,
            new { Rooms = JsonRows.Encode(rooms), After = afterExclusive, UpTo = upToInclusive, Limit = limit, No = false },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => (r.RoomId, r.UserId))];
    }
}
