using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.Federation;

/// <summary>The federation_inbound_transactions table.</summary>
public sealed class InboundTransactionStore(IDatabase database) : IInboundTransactionStore
{
    private const string SelectResponseSql = """
        SELECT response FROM federation_inbound_transactions WHERE origin = @Origin AND txn_id = @TransactionId
        """;

    private const string ForgetOldSql = """
        DELETE FROM federation_inbound_transactions WHERE origin = @Origin AND received_ts < @Before
        """;

    private const string InsertSql = """
        INSERT INTO federation_inbound_transactions (origin, txn_id, response, received_ts)
        VALUES (@Origin, @TransactionId, @Response, @Now)
        ON CONFLICT DO NOTHING
        """;

    public async Task<string?> GetResponseAsync(string origin, string transactionId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(origin);
        ArgumentException.ThrowIfNullOrEmpty(transactionId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(SelectResponseSql,
            new { Origin = origin, TransactionId = transactionId }, cancellationToken: cancellationToken));
    }

    public Task SaveResponseAsync(string origin, string transactionId, string responseJson, long nowMs, long forgetBeforeMs,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(origin);
        ArgumentException.ThrowIfNullOrEmpty(transactionId);
        ArgumentNullException.ThrowIfNull(responseJson);
        // Both statements in one command: one round trip before the commit.
        return database.ExecuteInTransactionAsync(ForgetOldSql + ";\n" + InsertSql,
            new { Origin = origin, TransactionId = transactionId, Response = responseJson, Now = nowMs, Before = forgetBeforeMs }, cancellationToken);
    }
}
