using Dapper;

namespace Homeserver.Storage.Events;

/// <summary>
/// Batched reads of the current membership index (<c>room_memberships</c>), so a question about many users or rooms
/// costs one statement instead of one or two per user and room.
/// </summary>
public sealed partial class RoomEventStore
{
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetUsersInRoomsAsync(IReadOnlyCollection<string> roomIds, string membership,
        CancellationToken cancellationToken)
    {
        var rooms = DistinctNonEmpty(roomIds, nameof(roomIds));
        ArgumentException.ThrowIfNullOrEmpty(membership);
        if (rooms.Count == 0)
            return new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        // The (room_id, membership) index serves each room.
        var sql = $"""
            SELECT room_id AS RoomId, user_id AS UserId FROM room_memberships
            WHERE {_rows.In("room_id", "Rooms")} AND membership = @Membership
            """;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RoomUserRow>(new CommandDefinition(sql,
            new { Rooms = JsonRows.Encode(rooms), Membership = membership }, cancellationToken: cancellationToken));
        return rows.GroupBy(r => r.RoomId, StringComparer.Ordinal).ToDictionary(g => g.Key,
            g => (IReadOnlyList<string>)[.. g.Select(r => r.UserId).Order(StringComparer.Ordinal)], StringComparer.Ordinal);
    }

    public async Task<IReadOnlyDictionary<(string RoomId, string UserId), string>> GetMembershipsAsync(
        IReadOnlyCollection<(string RoomId, string UserId)> members, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Any(m => string.IsNullOrEmpty(m.RoomId) || string.IsNullOrEmpty(m.UserId)))
            throw new ArgumentException("Room and user ids must not be null or empty.", nameof(members));
        var result = new Dictionary<(string RoomId, string UserId), string>();
        if (members.Count == 0)
            return result;
        // Pairs are (user_id, room_id), the primary key's order, so each is one index probe.
        var sql = $"""
            SELECT m.room_id AS RoomId, m.user_id AS UserId, m.membership AS Membership
            FROM room_memberships m JOIN ({_rows.TextPairs("Pairs")}) AS x ON m.user_id = x.a AND m.room_id = x.b
            WHERE {_rows.PairsIndexFilter("m.user_id", "m.room_id", "Pairs")}
            """;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<MembershipRow>(new CommandDefinition(sql,
            new { Pairs = JsonRows.Encode(members.Select(m => (m.UserId, m.RoomId)).Distinct()) }, cancellationToken: cancellationToken));
        foreach (var row in rows)
            result[(row.RoomId, row.UserId)] = row.Membership;
        return result;
    }

    public async Task<IReadOnlySet<string>> GetUsersJoinedToAnyAsync(IReadOnlyCollection<string> userIds, IReadOnlyCollection<string> roomIds,
        CancellationToken cancellationToken)
    {
        var users = DistinctNonEmpty(userIds, nameof(userIds));
        var rooms = DistinctNonEmpty(roomIds, nameof(roomIds));
        if (users.Count == 0 || rooms.Count == 0)
            return new HashSet<string>(StringComparer.Ordinal);
        // The primary key (user_id, room_id) gives each user's memberships; the rooms filter those.
        var sql = $"""
            SELECT DISTINCT user_id FROM room_memberships
            WHERE {_rows.In("user_id", "Users")} AND {_rows.In("room_id", "Rooms")} AND membership = 'join'
            """;
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        var joined = await connection.QueryAsync<string>(new CommandDefinition(sql,
            new { Users = JsonRows.Encode(users), Rooms = JsonRows.Encode(rooms) }, cancellationToken: cancellationToken));
        return joined.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The distinct ids of a list argument, none of which may be null or empty.</summary>
    private static List<string> DistinctNonEmpty(IReadOnlyCollection<string> ids, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(ids, parameterName);
        if (ids.Any(string.IsNullOrEmpty))
            throw new ArgumentException("Ids must not be null or empty.", parameterName);
        return [.. ids.Distinct(StringComparer.Ordinal)];
    }

    private sealed class RoomUserRow
    {
        public string RoomId { get; init; } = "";
        public string UserId { get; init; } = "";
    }

    private sealed class MembershipRow
    {
        public string RoomId { get; init; } = "";
        public string UserId { get; init; } = "";
        public string Membership { get; init; } = "";
    }
}
