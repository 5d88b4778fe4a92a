using Dapper;
using Homeserver.Storage.Database;
using Homeserver.Storage.Events;

namespace Homeserver.Storage.Receipts;

public sealed class ReceiptStore(IDatabase database) : IReceiptStore
{
    private const string NextPositionSql = """
        UPDATE stream_positions SET position = position + 1 WHERE stream = 'receipts'
        RETURNING position
        """;

    internal const string CurrentPositionSql = "SELECT position FROM stream_positions WHERE stream = 'receipts'";

    private const string UpsertSql = """
        INSERT INTO receipts (room_id, receipt_type, user_id, thread_id, event_id, ts, stream_position)
        VALUES (@RoomId, @ReceiptType, @UserId, @ThreadId, @EventId, @Ts, @Position)
        ON CONFLICT (room_id, receipt_type, user_id, thread_id) DO UPDATE
        SET event_id = excluded.event_id, ts = excluded.ts, stream_position = excluded.stream_position
        """;

    private readonly string _selectChangedSql = $"""
        SELECT room_id AS RoomId, receipt_type AS ReceiptType, user_id AS UserId, thread_id AS ThreadId, event_id AS EventId,
               ts AS Ts, stream_position AS StreamPosition
        FROM receipts
        WHERE {JsonRows.For(database.Dialect).In("room_id", "RoomIds")} AND stream_position > @After AND stream_position <= @UpTo
        ORDER BY stream_position
        """;

    public Task<long> SetAsync(ReceiptRecord receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            var position = await connection.ExecuteScalarAsync<long>(
                new CommandDefinition(NextPositionSql, transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(UpsertSql, new
            {
                receipt.RoomId, receipt.ReceiptType, receipt.UserId, receipt.ThreadId, receipt.EventId, receipt.Ts, Position = position,
            }, transaction, cancellationToken: cancellationToken));
            return position;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<ReceiptRecord>> GetChangedAsync(IReadOnlyCollection<string> roomIds, long afterExclusive, long upToInclusive,
        CancellationToken cancellationToken)
    {
        if (roomIds.Count == 0 || upToInclusive <= afterExclusive)
            return [];
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ReceiptRecord>(new CommandDefinition(_selectChangedSql,
            new { RoomIds = JsonRows.Encode(roomIds), After = afterExclusive, UpTo = upToInclusive }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    public async Task<long> GetCurrentPositionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(CurrentPositionSql, cancellationToken: cancellationToken));
    }
}
