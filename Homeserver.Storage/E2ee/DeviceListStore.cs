using System.Data.Common;
using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.E2ee;

/// <summary>The e2e_device_list_changes table and its position row in stream_positions.</summary>
public sealed class DeviceListStore(IDatabase database) : IDeviceListStore
{
    // The row stays locked until commit, so positions become visible in order (a reader of the
    // current position never sees a gap that a slower transaction fills later).
    private const string NextPositionSql = """
        UPDATE stream_positions SET position = position + 1 WHERE stream = 'device_lists'
        RETURNING position
        """;

    internal const string CurrentPositionSql = "SELECT position FROM stream_positions WHERE stream = 'device_lists'";

    private const string InsertSql = "INSERT INTO e2e_device_list_changes (stream_position, user_id) VALUES (@Position, @UserId)";

    private const string SelectChangedSql = """
        SELECT DISTINCT user_id FROM e2e_device_list_changes
        WHERE stream_position > @After AND stream_position <= @UpTo
        ORDER BY user_id
        """;

    private const string SelectLatestForUserSql = """
        SELECT stream_position FROM e2e_device_list_changes WHERE user_id = @UserId
        ORDER BY stream_position DESC LIMIT @Limit
        """;

    /// <summary>Appends a change for each user inside a caller's write transaction.</summary>
    internal static async Task<long> AppendAsync(DbConnection connection, DbTransaction transaction, IEnumerable<string> userIds,
        CancellationToken cancellationToken)
    {
        long position = 0;
        foreach (var userId in userIds.Distinct(StringComparer.Ordinal))
        {
            position = await connection.ExecuteScalarAsync<long>(
                new CommandDefinition(NextPositionSql, transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(InsertSql, new { Position = position, UserId = userId }, transaction,
                cancellationToken: cancellationToken));
        }
        return position;
    }

    public Task<long> AppendAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        return database.InTransactionAsync((connection, transaction) => AppendAsync(connection, transaction, userIds, cancellationToken),
            cancellationToken);
    }

    public async Task<long> GetCurrentPositionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(CurrentPositionSql, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<string>> GetChangedUsersAsync(long afterExclusive, long upToInclusive, CancellationToken cancellationToken)
    {
        if (upToInclusive <= afterExclusive)
            return [];
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(SelectChangedSql,
            new { After = afterExclusive, UpTo = upToInclusive }, cancellationToken: cancellationToken))];
    }

    public async Task<IReadOnlyList<long>> GetLatestPositionsAsync(string userId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<long>(new CommandDefinition(SelectLatestForUserSql, new { UserId = userId, Limit = limit },
            cancellationToken: cancellationToken))];
    }
}
