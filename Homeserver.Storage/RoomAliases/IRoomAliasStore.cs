namespace Homeserver.Storage.RoomAliases;

/// <summary>The room aliases of this server: each alias names one room; a room may have many.</summary>
public interface IRoomAliasStore
{
    /// <summary>Maps the alias to the room; false (and nothing written) when the alias is already taken.</summary>
    Task<bool> AddAsync(string roomAlias, string roomId, string creator, CancellationToken cancellationToken);

    Task<RoomAliasRecord?> GetAsync(string roomAlias, CancellationToken cancellationToken);

    /// <summary>Removes the alias; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string roomAlias, CancellationToken cancellationToken);

    /// <summary>Points every alias of one room at another (a room upgrade), in one statement; returns how many moved.</summary>
    Task<int> MoveAllAsync(string fromRoomId, string toRoomId, CancellationToken cancellationToken);

    /// <summary>The room's aliases, in alias order.</summary>
    Task<IReadOnlyList<string>> ListForRoomAsync(string roomId, CancellationToken cancellationToken);
}
