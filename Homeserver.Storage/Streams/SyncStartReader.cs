using Dapper;
using Homeserver.Storage.Database;
using Homeserver.Storage.Events;

namespace Homeserver.Storage.Streams;

/// <summary>
/// Reads a sync's <see cref="SyncStart"/> in one round trip: the statements go as one batch on one connection, the positions
/// first. Each later statement sees at least what the positions counted (positions are handed out in commit order, and a later
/// statement reads a later snapshot), so nothing up to them is missing. The statements are the owning stores' own.
/// </summary>
public sealed class SyncStartReader(IDatabase database)
{
    // The rooms moved after @Since, over a bounded range: the scan stays short for a client back after a long time.
    private const string SelectRoomsMovedSql = """
        SELECT DISTINCT room_id FROM events
        WHERE stream_ordering > @Since AND stream_ordering <= @MovedUpTo
        """;

    private const string SelectSql = $"""
        {StreamPositionsReader.SelectSql};
        {RoomEventStore.SelectMembershipChangesSql};
        {RoomEventStore.SelectForgottenSql};
        """;

    private const string SelectWithMovedRoomsSql = $"""
        {SelectSql}
        {SelectRoomsMovedSql};
        """;

    /// <param name="movedRoomsSince">The token's room position, to read the rooms moved since (null: not read).</param>
    /// <param name="maxMovedRange">
    /// The moved rooms are those with events in (since, since + maxMovedRange]: they cover a range up to the room position only
    /// when it is that short.
    /// </param>
    public async Task<SyncStart> ReadAsync(string userId, long? movedRoomsSince, long maxMovedRange, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentOutOfRangeException.ThrowIfNegative(maxMovedRange);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            movedRoomsSince is null ? SelectSql : SelectWithMovedRoomsSql,
            new { UserId = userId, After = 0L, UpTo = long.MaxValue, No = false, Since = movedRoomsSince ?? 0,
                MovedUpTo = (movedRoomsSince ?? 0) > long.MaxValue - maxMovedRange ? long.MaxValue : (movedRoomsSince ?? 0) + maxMovedRange },
            cancellationToken: cancellationToken));
        var positions = await results.ReadSingleAsync<StreamPositions>();
        var memberships = (await results.ReadAsync<MembershipChange>()).ToList();
        var forgotten = (await results.ReadAsync<string>()).ToHashSet(StringComparer.Ordinal);
        var moved = movedRoomsSince is null ? null : (await results.ReadAsync<string>()).ToHashSet(StringComparer.Ordinal);
        return new SyncStart(positions, memberships, forgotten, moved);
    }
}
