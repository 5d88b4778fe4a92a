namespace Homeserver.Storage.Moderation;

/// <summary>Reports of rooms, events and users that users send to the server's moderators.</summary>
public interface IContentReportStore
{
    Task AddAsync(long receivedTs, string reporter, string? roomId, string? eventId, string? targetUserId, string reason,
        CancellationToken cancellationToken);

    /// <summary>The most recent reports first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ContentReport>> ListRecentAsync(int limit, CancellationToken cancellationToken);
}
