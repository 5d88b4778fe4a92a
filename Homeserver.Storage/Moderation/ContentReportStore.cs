using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Moderation;

/// <summary>The content_reports table: the same SQL on both backends.</summary>
public sealed class ContentReportStore(IDatabase database) : IContentReportStore
{
    private const string InsertSql = """
        INSERT INTO content_reports (received_ts, reporter, room_id, event_id, target_user_id, reason)
        VALUES (@ReceivedTs, @Reporter, @RoomId, @EventId, @TargetUserId, @Reason)
        """;

    private const string SelectRecentSql = """
        SELECT report_id AS ReportId, received_ts AS ReceivedTs, reporter AS Reporter, room_id AS RoomId, event_id AS EventId,
               target_user_id AS TargetUserId, reason AS Reason
        FROM content_reports ORDER BY report_id DESC LIMIT @Limit
        """;

    public Task AddAsync(long receivedTs, string reporter, string? roomId, string? eventId, string? targetUserId, string reason,
        CancellationToken cancellationToken) =>
        database.ExecuteInTransactionAsync(InsertSql, new
        {
            ReceivedTs = receivedTs, Reporter = reporter, RoomId = roomId, EventId = eventId, TargetUserId = targetUserId, Reason = reason,
        }, cancellationToken);

    public async Task<IReadOnlyList<ContentReport>> ListRecentAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<ContentReport>(new CommandDefinition(SelectRecentSql, new { Limit = limit }, cancellationToken: cancellationToken))];
    }
}
