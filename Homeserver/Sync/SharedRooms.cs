using Homeserver.Storage.Events;

namespace Homeserver.Sync;

/// <summary>Which rooms users are joined to, for presence: it is visible to users who share a room.</summary>
public sealed class SharedRooms(IRoomEventStore events, CurrentStateReader state)
{
    /// <summary>The rooms the user is joined to now, from the current membership index.</summary>
    public async Task<List<string>> JoinedRoomsAsync(string userId, CancellationToken cancellationToken) =>
        [.. await events.GetRoomsForUserAsync(userId, "join", cancellationToken)];

    /// <summary>Whether <paramref name="other"/> is joined to one of <paramref name="rooms"/>.</summary>
    public async Task<bool> IsJoinedToAnyAsync(string other, IEnumerable<string> rooms, CancellationToken cancellationToken)
    {
        foreach (var roomId in rooms)
            if (await state.MembershipAsync(roomId, other, cancellationToken) == "join")
                return true;
        return false;
    }

    public async Task<bool> ShareARoomAsync(string userId, string other, CancellationToken cancellationToken) =>
        userId == other || await IsJoinedToAnyAsync(other, await JoinedRoomsAsync(userId, cancellationToken), cancellationToken);
}
