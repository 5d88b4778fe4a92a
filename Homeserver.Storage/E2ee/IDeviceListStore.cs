namespace Homeserver.Storage.E2ee;

/// <summary>
/// The device-list stream: which users' devices or cross-signing keys changed, by stream position.
/// The key stores append to it in the same transaction as their change.
/// </summary>
public interface IDeviceListStore
{
    /// <summary>Records a change for each user; returns the last position taken.</summary>
    Task<long> AppendAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken);

    /// <summary>The highest committed position.</summary>
    Task<long> GetCurrentPositionAsync(CancellationToken cancellationToken);

    /// <summary>The distinct users with a change at a position in (after, upTo].</summary>
    Task<IReadOnlyList<string>> GetChangedUsersAsync(long afterExclusive, long upToInclusive, CancellationToken cancellationToken);

    /// <summary>The user's latest positions on the stream, newest first, at most <paramref name="limit"/> (for federation's stream ids).</summary>
    Task<IReadOnlyList<long>> GetLatestPositionsAsync(string userId, int limit, CancellationToken cancellationToken);
}
