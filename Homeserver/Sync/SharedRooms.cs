using Homeserver.Storage.Events;

namespace Homeserver.Sync;

/// <summary>Which rooms users are joined to, for presence: it is visible to users who share a room.</summary>
public sealed class SharedRooms(IRoomEventStore events)
{
    /// <summary>The rooms the user is joined to now, from the current membership index.</summary>
    public async Task<List<string>> JoinedRoomsAsync(string userId, CancellationToken cancellationToken) =>
        [.. await events.GetRoomsForUserAsync(userId, "join", cancellationToken)];

    /// <summary>Whether <paramref name="other"/> is joined to one of <paramref name="rooms"/> (one read, however many rooms).</summary>
    public async Task<bool> IsJoinedToAnyAsync(string other, IReadOnlyCollection<string> rooms, CancellationToken cancellationToken) =>
        (await JoinedToAnyAsync([other], rooms, cancellationToken)).Contains(other);

    /// <summary>Those of <paramref name="users"/> joined to one of <paramref name="rooms"/>, in one read.</summary>
    public Task<IReadOnlySet<string>> JoinedToAnyAsync(IReadOnlyCollection<string> users, IReadOnlyCollection<string> rooms,
        CancellationToken cancellationToken) =>
        events.GetUsersJoinedToAnyAsync(users, rooms, cancellationToken);

    public async Task<bool> ShareARoomAsync(string userId, string other, CancellationToken cancellationToken) =>
        userId == other || await IsJoinedToAnyAsync(other, await JoinedRoomsAsync(userId, cancellationToken), cancellationToken);
}
