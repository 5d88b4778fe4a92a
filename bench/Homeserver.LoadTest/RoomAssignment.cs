namespace Homeserver.LoadTest;

/// <summary>
/// Which rooms each sender writes to when <c>clients</c> clients send into <c>rooms</c> rooms: with
/// m = min(clients, rooms), client c sends round-robin over the rooms r with r mod m = c mod m.
/// Every room gets traffic, fewer clients than rooms spread each client over several rooms, and
/// more clients than rooms put several clients in each room, without joining every sender to every
/// room (256 senders × 100 rooms would be 25,600 joins and 256-member rooms everywhere).
/// </summary>
public static class RoomAssignment
{
    public static IReadOnlyList<int> RoomsOf(int client, int clients, int rooms)
    {
        var m = Math.Min(clients, rooms);
        return Enumerable.Range(0, rooms).Where(r => r % m == client % m).ToArray();
    }

    /// <summary>Every (client, room) membership any of the variants needs.</summary>
    public static IReadOnlySet<(int Client, int Room)> Memberships(IEnumerable<int> clientCounts, IEnumerable<int> roomCounts)
    {
        var pairs = new HashSet<(int, int)>();
        foreach (var clients in clientCounts)
        foreach (var rooms in roomCounts)
        for (var c = 0; c < clients; c++)
        foreach (var r in RoomsOf(c, clients, rooms))
            pairs.Add((c, r));
        return pairs;
    }
}
