namespace Homeserver.Storage.PublishedRooms;

/// <summary>Which rooms are published in this server's room directory, and their joined member counts.</summary>
public interface IPublishedRoomStore
{
    Task PublishAsync(string roomId, long publishedTs, CancellationToken cancellationToken);

    Task UnpublishAsync(string roomId, CancellationToken cancellationToken);

    Task<bool> IsPublishedAsync(string roomId, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The number of joined members of each published room (rooms without any are absent).</summary>
    Task<IReadOnlyDictionary<string, long>> GetPublishedJoinedMemberCountsAsync(CancellationToken cancellationToken);

    /// <summary>The number of joined members of any room (0 for a room this server does not hold).</summary>
    Task<long> GetJoinedMemberCountAsync(string roomId, CancellationToken cancellationToken);
}
