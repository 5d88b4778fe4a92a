using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Federation;

/// <summary>
/// The federation_outbound_pdus and federation_outbound_edus tables. Queue order is the queue_id each
/// row gets when inserted; a coalesced EDU is deleted and inserted again, so it moves to the end.
/// </summary>
public sealed class FederationOutboxStore(IDatabase database) : IFederationOutboxStore
{
    private const string InsertPduSql = """
        INSERT INTO federation_outbound_pdus (destination, event_id) VALUES (@Destination, @EventId)
        ON CONFLICT DO NOTHING
        """;

    private const string SelectCoalescedEduSql = """
        SELECT content FROM federation_outbound_edus
        WHERE destination = @Destination AND edu_type = @EduType AND coalesce_key = @CoalesceKey
        """;

    private const string DeleteCoalescedEduSql = """
        DELETE FROM federation_outbound_edus
        WHERE destination = @Destination AND edu_type = @EduType AND coalesce_key = @CoalesceKey
        """;

    private const string InsertEduSql = """
        INSERT INTO federation_outbound_edus (destination, edu_type, coalesce_key, content)
        VALUES (@Destination, @EduType, @CoalesceKey, @Content)
        """;

    private const string SelectPdusSql = """
        SELECT queue_id AS QueueId, event_id AS EventId FROM federation_outbound_pdus
        WHERE destination = @Destination ORDER BY queue_id LIMIT @Limit
        """;

    private const string SelectEdusSql = """
        SELECT queue_id AS QueueId, edu_type AS EduType, content AS ContentJson FROM federation_outbound_edus
        WHERE destination = @Destination ORDER BY queue_id LIMIT @Limit
        """;

    private const string DeletePduSql = "DELETE FROM federation_outbound_pdus WHERE destination = @Destination AND queue_id = @QueueId";

    private const string DeleteEduSql = "DELETE FROM federation_outbound_edus WHERE destination = @Destination AND queue_id = @QueueId";

    // The queue id of the newest row to drop is the (keep+1)-th newest; no such row: nothing to drop.
    private const string TrimPdusSql = """
        DELETE FROM federation_outbound_pdus
        WHERE destination = @Destination AND queue_id <= (
            SELECT queue_id FROM federation_outbound_pdus WHERE destination = @Destination
            ORDER BY queue_id DESC LIMIT 1 OFFSET @Keep)
        """;

    private const string SelectDestinationsSql = """
        SELECT destination FROM federation_outbound_pdus
        UNION
        SELECT destination FROM federation_outbound_edus
        """;

    public Task AddPdusAsync(IReadOnlyCollection<string> destinations, IReadOnlyList<string> eventIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        ArgumentNullException.ThrowIfNull(eventIds);
        if (destinations.Count == 0 || eventIds.Count == 0) return Task.CompletedTask;
        var rows = destinations.SelectMany(d => eventIds.Select(e => new { Destination = d, EventId = e })).ToList();
        return database.InTransactionAsync((connection, transaction) =>
            connection.ExecuteAsync(new CommandDefinition(InsertPduSql, rows, transaction, cancellationToken: cancellationToken)),
            cancellationToken);
    }

    public Task AddEduAsync(string destination, string eduType, string? coalesceKey, Func<string?, string> content,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentException.ThrowIfNullOrEmpty(eduType);
        ArgumentNullException.ThrowIfNull(content);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            var key = new { Destination = destination, EduType = eduType, CoalesceKey = coalesceKey };
            string? waiting = null;
            if (coalesceKey is not null)
            {
                waiting = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(SelectCoalescedEduSql, key, transaction,
                    cancellationToken: cancellationToken));
                if (waiting is not null)
                    await connection.ExecuteAsync(new CommandDefinition(DeleteCoalescedEduSql, key, transaction, cancellationToken: cancellationToken));
            }
            await connection.ExecuteAsync(new CommandDefinition(InsertEduSql,
                new { Destination = destination, EduType = eduType, CoalesceKey = coalesceKey, Content = content(waiting) }, transaction,
                cancellationToken: cancellationToken));
        }, cancellationToken);
    }

    public async Task<OutboxBatch> PeekAsync(string destination, int maxPdus, int maxEdus, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(maxPdus);
        ArgumentOutOfRangeException.ThrowIfNegative(maxEdus);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var pdus = maxPdus == 0 ? [] : (await connection.QueryAsync<OutboundPdu>(new CommandDefinition(SelectPdusSql,
            new { Destination = destination, Limit = maxPdus }, cancellationToken: cancellationToken))).ToList();
        var edus = maxEdus == 0 ? [] : (await connection.QueryAsync<OutboundEdu>(new CommandDefinition(SelectEdusSql,
            new { Destination = destination, Limit = maxEdus }, cancellationToken: cancellationToken))).ToList();
        return new OutboxBatch(pdus, edus);
    }

    public Task RemoveAsync(string destination, IReadOnlyCollection<long> pduQueueIds, IReadOnlyCollection<long> eduQueueIds,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        if (pduQueueIds.Count == 0 && eduQueueIds.Count == 0) return Task.CompletedTask;
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            if (pduQueueIds.Count > 0)
                await connection.ExecuteAsync(new CommandDefinition(DeletePduSql,
                    pduQueueIds.Select(id => new { Destination = destination, QueueId = id }), transaction, cancellationToken: cancellationToken));
            if (eduQueueIds.Count > 0)
                await connection.ExecuteAsync(new CommandDefinition(DeleteEduSql,
                    eduQueueIds.Select(id => new { Destination = destination, QueueId = id }), transaction, cancellationToken: cancellationToken));
        }, cancellationToken);
    }

    public Task<int> TrimPdusAsync(string destination, int keepNewest, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(keepNewest);
        return database.InTransactionAsync((connection, transaction) =>
            connection.ExecuteAsync(new CommandDefinition(TrimPdusSql, new { Destination = destination, Keep = keepNewest }, transaction,
                cancellationToken: cancellationToken)), cancellationToken);
    }

    public async Task<IReadOnlyList<string>> GetDestinationsWithPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var destinations = await connection.QueryAsync<string>(new CommandDefinition(SelectDestinationsSql, cancellationToken: cancellationToken));
        return [.. destinations.Order(StringComparer.Ordinal)];
    }
}
