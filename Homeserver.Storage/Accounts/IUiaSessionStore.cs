namespace Homeserver.Storage.Accounts;

/// <summary>
/// User-interactive authentication sessions, stored durably so that every homeserver process sharing
/// the database can continue a session another one started.
/// </summary>
public interface IUiaSessionStore
{
    Task CreateAsync(UiaSessionRecord session, CancellationToken cancellationToken);

    Task<UiaSessionRecord?> FindAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Replaces the completed stages of the session; false when it no longer exists.</summary>
    Task<bool> SetCompletedStagesAsync(string sessionId, IReadOnlyDictionary<string, string> completedStages, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Deletes the sessions that expired at or before <paramref name="nowMs"/> and returns them.</summary>
    Task<IReadOnlyList<UiaSessionRecord>> DeleteExpiredAsync(long nowMs, CancellationToken cancellationToken);
}
