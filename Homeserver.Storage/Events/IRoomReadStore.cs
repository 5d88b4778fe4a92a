namespace Homeserver.Storage.Events;

/// <summary>Reads (later joins, and the forgotten-room marks) the Client-Server room endpoints need beyond <see cref="IRoomEventStore"/>.</summary>
public interface IRoomReadStore
{
    /// <summary>Whether the user has a served join event in the room at a stream position after <paramref name="streamOrdering"/>.</summary>
    Task<bool> HasJoinedAfterAsync(string roomId, string userId, long streamOrdering, CancellationToken cancellationToken);

    /// <summary>Marks the room forgotten by the user (idempotent).</summary>
    Task ForgetRoomAsync(string userId, string roomId, CancellationToken cancellationToken);

    /// <summary>Clears the forgotten mark (the user takes part in the room again).</summary>
    Task UnforgetRoomAsync(string userId, string roomId, CancellationToken cancellationToken);

    /// <summary>The rooms the user has forgotten.</summary>
    Task<IReadOnlySet<string>> GetForgottenRoomsAsync(string userId, CancellationToken cancellationToken);
}
