using Dapper;

namespace Homeserver.Storage.Events;

/// <summary>Which rooms moved in a stream range, so an incremental sync reads only those rooms.</summary>
public sealed partial class RoomEventStore
{
    // The unique index on stream_ordering makes this a range scan over the events of the range only.
    private const string SelectRoomsChangedSql = """
        SELECT DISTINCT room_id FROM events
        WHERE stream_ordering > @After AND stream_ordering <= @UpTo
        """;

    public async Task<IReadOnlySet<string>> GetRoomsChangedBetweenAsync(long afterExclusive, long upToInclusive, CancellationToken cancellationToken)
    {
        if (upToInclusive <= afterExclusive) return new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rooms = await connection.QueryAsync<string>(new CommandDefinition(SelectRoomsChangedSql,
            new { After = afterExclusive, UpTo = upToInclusive }, cancellationToken: cancellationToken));
        return rooms.ToHashSet(StringComparer.Ordinal);
    }
}
