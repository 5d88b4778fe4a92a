using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.UserData;

/// <summary>The filters table: one method per statement, the same SQL on both backends.</summary>
public sealed class FilterStore(IDatabase database) : IFilterStore
{
    private const string SelectSameSql = """
        SELECT filter_id FROM filters
        WHERE user_id = @UserId AND filter_json = @FilterJson
        ORDER BY filter_id
        LIMIT 1
        """;

    private const string InsertSql = """
        INSERT INTO filters (user_id, filter_json) VALUES (@UserId, @FilterJson)
        RETURNING filter_id
        """;

    private const string SelectSql = "SELECT filter_json FROM filters WHERE user_id = @UserId AND filter_id = @FilterId";

    public Task<long> AddAsync(string userId, string canonicalFilterJson, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(canonicalFilterJson);
        var parameters = new { UserId = userId, FilterJson = canonicalFilterJson };
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            var existing = await connection.ExecuteScalarAsync<long?>(
                new CommandDefinition(SelectSameSql, parameters, transaction, cancellationToken: cancellationToken));
            return existing ?? await connection.ExecuteScalarAsync<long>(
                new CommandDefinition(InsertSql, parameters, transaction, cancellationToken: cancellationToken));
        }, cancellationToken);
    }

    public async Task<string?> GetAsync(string userId, long filterId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(
            new CommandDefinition(SelectSql, new { UserId = userId, FilterId = filterId }, cancellationToken: cancellationToken));
    }
}
