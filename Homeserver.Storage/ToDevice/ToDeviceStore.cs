using Dapper;
using Homeserver.Storage.Database;

namespace Homeserver.Storage.ToDevice;

/// <summary>
/// The to_device_inbox table, its stream counter and the senders' transaction ids. A send first records its
/// transaction id (a repeat stops there), then advances the counter row, which holds that row's lock
/// (PostgreSQL) or the database's write lock (SQLite) until commit, so positions commit in order.
/// </summary>
public sealed class ToDeviceStore(IDatabase database) : IToDeviceStore
{
    /// <summary>How long a transaction id is remembered: clients retry a lost request within minutes.</summary>
    public static readonly TimeSpan TransactionRetention = TimeSpan.FromDays(1);

    private const string ForgetOldTransactionsSql = """
        DELETE FROM to_device_transactions WHERE user_id = @UserId AND device_id = @DeviceId AND created_ts < @Before
        """;

    private const string InsertTransactionSql = """
        INSERT INTO to_device_transactions (user_id, device_id, txn_id, created_ts) VALUES (@UserId, @DeviceId, @TransactionId, @Now)
        ON CONFLICT DO NOTHING
        """;

    private const string NextPositionSql = """
        UPDATE to_device_stream SET position = position + 1 WHERE id = 1
        RETURNING position
        """;

    internal const string CurrentPositionSql = "SELECT position FROM to_device_stream WHERE id = 1";

    private const string InsertMessageSql = """
        INSERT INTO to_device_inbox (user_id, device_id, position, sender, type, content)
        VALUES (@UserId, @DeviceId, @Position, @Sender, @Type, @Content)
        """;

    private const string HasAcknowledgedSql = """
        SELECT 1 FROM to_device_inbox WHERE user_id = @UserId AND device_id = @DeviceId AND position <= @Acknowledged LIMIT 1
        """;

    private const string DeleteAcknowledgedSql = """
        DELETE FROM to_device_inbox WHERE user_id = @UserId AND device_id = @DeviceId AND position <= @Acknowledged
        """;

    private const string SelectWaitingSql = """
        SELECT position AS Position, sender AS Sender, type AS Type, content AS ContentJson
        FROM to_device_inbox
        WHERE user_id = @UserId AND device_id = @DeviceId AND position > @Acknowledged AND position <= @UpTo
        ORDER BY position
        LIMIT @Limit
        """;

    private const string DeleteDeviceMessagesSql = "DELETE FROM to_device_inbox WHERE user_id = @UserId AND device_id = @DeviceId";

    private const string DeleteDeviceTransactionsSql = "DELETE FROM to_device_transactions WHERE user_id = @UserId AND device_id = @DeviceId";

    private const string DeleteUserMessagesSql = "DELETE FROM to_device_inbox WHERE user_id = @UserId";

    private const string DeleteUserTransactionsSql = "DELETE FROM to_device_transactions WHERE user_id = @UserId";

    private const string DeleteUserMessagesExceptSql = "DELETE FROM to_device_inbox WHERE user_id = @UserId AND device_id <> @KeepDeviceId";

    private const string DeleteUserTransactionsExceptSql = "DELETE FROM to_device_transactions WHERE user_id = @UserId AND device_id <> @KeepDeviceId";

    public Task<long?> EnqueueAsync(ToDeviceTransactionKey transaction, long nowMs, string sender, string type, IReadOnlyList<ToDeviceMessage> messages,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentException.ThrowIfNullOrEmpty(sender);
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Select(m => (m.UserId, m.DeviceId)).Distinct().Count() != messages.Count)
            throw new ArgumentException("A send gives each device at most one message.", nameof(messages));
        return database.InTransactionAsync<long?>(async (connection, dbTransaction) =>
        {
            var key = new { transaction.UserId, transaction.DeviceId, transaction.TransactionId, Now = nowMs,
                Before = nowMs - (long)TransactionRetention.TotalMilliseconds };
            // The sending device's expired ids go first, so the table holds about a day of sends per device.
            await connection.ExecuteAsync(new CommandDefinition(ForgetOldTransactionsSql, key, dbTransaction, cancellationToken: cancellationToken));
            var recorded = await connection.ExecuteAsync(new CommandDefinition(InsertTransactionSql, key, dbTransaction,
                cancellationToken: cancellationToken));
            if (recorded == 0 || messages.Count == 0) return null;
            var position = await connection.ExecuteScalarAsync<long>(new CommandDefinition(NextPositionSql, transaction: dbTransaction,
                cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(InsertMessageSql,
                messages.Select(m => new { m.UserId, m.DeviceId, Position = position, Sender = sender, Type = type, Content = m.ContentJson }),
                dbTransaction, cancellationToken: cancellationToken));
            return position;
        }, cancellationToken);
    }

    public async Task<long> GetCurrentPositionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(CurrentPositionSql, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<QueuedToDeviceMessage>> TakeAsync(string userId, string deviceId, long acknowledged, long upTo, int limit,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        ArgumentOutOfRangeException.ThrowIfNegative(acknowledged);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var key = new { UserId = userId, DeviceId = deviceId, Acknowledged = acknowledged, UpTo = upTo, Limit = limit };
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        {
            // Most syncs have nothing to delete: look before taking the write lock.
            var hasAcknowledged = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(HasAcknowledgedSql, key,
                cancellationToken: cancellationToken));
            if (hasAcknowledged is null)
                return (await connection.QueryAsync<QueuedToDeviceMessage>(new CommandDefinition(SelectWaitingSql, key,
                    cancellationToken: cancellationToken))).ToList();
        }
        return await database.InTransactionAsync<IReadOnlyList<QueuedToDeviceMessage>>(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(DeleteAcknowledgedSql, key, transaction, cancellationToken: cancellationToken));
            return (await connection.QueryAsync<QueuedToDeviceMessage>(new CommandDefinition(SelectWaitingSql, key, transaction,
                cancellationToken: cancellationToken))).ToList();
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<QueuedToDeviceMessage>> ReadAsync(string userId, string deviceId, long after, long upTo, int limit,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        ArgumentOutOfRangeException.ThrowIfNegative(after);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<QueuedToDeviceMessage>(new CommandDefinition(SelectWaitingSql,
            new { UserId = userId, DeviceId = deviceId, Acknowledged = after, UpTo = upTo, Limit = limit },
            cancellationToken: cancellationToken))).ToList();
    }

    public Task DeleteDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(deviceId);
        var key = new { UserId = userId, DeviceId = deviceId };
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(DeleteDeviceMessagesSql, key, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(DeleteDeviceTransactionsSql, key, transaction, cancellationToken: cancellationToken));
        }, cancellationToken);
    }

    public Task DeleteUserDevicesAsync(string userId, string? keepDeviceId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var key = new { UserId = userId, KeepDeviceId = keepDeviceId };
        var (messagesSql, transactionsSql) = keepDeviceId is null
            ? (DeleteUserMessagesSql, DeleteUserTransactionsSql)
            : (DeleteUserMessagesExceptSql, DeleteUserTransactionsExceptSql);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(messagesSql, key, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(transactionsSql, key, transaction, cancellationToken: cancellationToken));
        }, cancellationToken);
    }
}
