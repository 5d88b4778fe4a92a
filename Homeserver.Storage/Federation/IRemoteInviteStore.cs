namespace Homeserver.Storage.Federation;

/// <summary>
/// Invites from other servers to rooms this server does not hold, one per (room, invitee). Each
/// change takes the next position of the room event stream, so sync orders them with room events.
/// </summary>
public interface IRemoteInviteStore
{
    /// <summary>Stores (or replaces) a pending invite; returns its stream position.</summary>
    Task<long> AddAsync(string roomId, string userId, string eventId, string roomVersion, string sender, string eventJson,
        string strippedState, CancellationToken cancellationToken);

    Task<RemoteInviteRecord?> GetAsync(string roomId, string userId, CancellationToken cancellationToken);

    /// <summary>Marks the invite rejected at a new position; false when there was none.</summary>
    Task<bool> MarkRejectedAsync(string roomId, string userId, CancellationToken cancellationToken);

    /// <summary>Forgets the invite (the user joined the room, which now lives in the room graph).</summary>
    Task RemoveAsync(string roomId, string userId, CancellationToken cancellationToken);

    /// <summary>The user's invites whose position is in (<paramref name="afterExclusive"/>, <paramref name="upToInclusive"/>], by position.</summary>
    Task<IReadOnlyList<RemoteInviteRecord>> GetChangedAsync(string userId, long afterExclusive, long upToInclusive,
        CancellationToken cancellationToken);

    /// <summary>The highest position of any stored invite (0 when there is none).</summary>
    Task<long> GetMaxPositionAsync(CancellationToken cancellationToken);
}
