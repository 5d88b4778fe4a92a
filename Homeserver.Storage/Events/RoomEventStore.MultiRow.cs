using System.Data;
using System.Data.Common;
using System.Reflection;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Homeserver.Storage.Events;

/// <summary>
/// Multi-row statements for big batches: a join of a remote room stores its whole state (tens of
/// thousands of outliers and memberships) in one transaction, and one statement per row would cost
/// a round trip each on PostgreSQL. Rows go in chunks of at most <see cref="RowsPerStatement"/>.
/// </summary>
public sealed partial class RoomEventStore
{
    /// <summary>
    /// PostgreSQL: 100 rows (1,800 parameters at 18 a row), well below its limit, one round trip each.
    /// SQLite has no round trips to save but binds each parameter by looking its name up among the
    /// statement's (quadratic in their number): few rows a statement, the prepared statement reused.
    /// </summary>
    private static int RowsPerStatement(DbConnection connection) => connection is SqliteConnection ? 8 : 100;

    /// <summary><see cref="UpsertMembershipSql"/> cut around its VALUES row (whose parameters are UserId, RoomId, Membership, EventNid).</summary>
    private static readonly (string Head, string Tail) MultiRowMembershipUpsert = SplitAroundValues(UpsertMembershipSql);

    /// <summary><see cref="InsertEventSql"/> cut around its VALUES row, and the row's parameters as properties of <see cref="EventInsertRow"/>.</summary>
    private static readonly (string Head, PropertyInfo[] Columns, string Tail) MultiRowEventInsert = SplitInsertEventSql();

    /// <summary>Inserts event rows (with <see cref="InsertEventSql"/>'s conflict rule) in chunks of several rows a statement.</summary>
    private static async Task InsertEventRowsInChunksAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<EventInsertRow> rows, CancellationToken cancellationToken)
    {
        var (head, columns, tail) = MultiRowEventInsert;
        await ExecuteInChunksAsync(connection, transaction, rows, columns.Length,
            count => head + string.Join(", ", Enumerable.Range(0, count).Select(i =>
                "(" + string.Join(", ", Enumerable.Range(0, columns.Length).Select(c => $"@p{i}_{c}")) + ")")) + tail,
            (row, c) => (columns[c].GetValue(row), DbTypeOf(columns[c].PropertyType)), cancellationToken);
    }

    /// <summary>Inserts or updates membership rows (distinct users) in chunks.</summary>
    private static async Task UpsertMembershipsInChunksAsync(DbConnection connection, DbTransaction transaction, string roomId,
        IReadOnlyList<(string UserId, string Membership, long EventNid)> rows, CancellationToken cancellationToken)
    {
        var (head, tail) = MultiRowMembershipUpsert;
        await ExecuteInChunksAsync(connection, transaction, rows, 4,
            count => head + string.Join(", ", Enumerable.Range(0, count).Select(i => $"(@p{i}_0, @p{i}_1, @p{i}_2, @p{i}_3)")) + tail,
            (row, c) => c switch
            {
                0 => (row.UserId, DbType.String),
                1 => (roomId, DbType.String),
                2 => (row.Membership, DbType.String),
                _ => (row.EventNid, DbType.Int64),
            }, cancellationToken);
    }

    /// <summary>
    /// Runs a statement of <c>count</c> rows (parameters <c>@p{row}_{column}</c>) over the rows, a chunk
    /// at a time; the command of a full chunk is prepared once and run again with the next values.
    /// </summary>
    private static async Task ExecuteInChunksAsync<TRow>(DbConnection connection, DbTransaction transaction, IReadOnlyList<TRow> rows,
        int columns, Func<int, string> sqlFor, Func<TRow, int, (object? Value, DbType Type)> valueOf, CancellationToken cancellationToken)
    {
        var size = RowsPerStatement(connection);
        DbCommand? full = null;
        try
        {
            foreach (var chunk in rows.Chunk(size))
            {
                DbCommand command;
                if (chunk.Length == size && full is not null)
                {
                    command = full;
                }
                else
                {
                    command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = sqlFor(chunk.Length);
                    for (var i = 0; i < chunk.Length; i++)
                        for (var c = 0; c < columns; c++)
                            AddParameter(command, $"@p{i}_{c}", valueOf(chunk[i], c).Type);
                    if (chunk.Length == size) full = command;
                }
                for (var i = 0; i < chunk.Length; i++)
                    for (var c = 0; c < columns; c++)
                        command.Parameters[i * columns + c].Value = valueOf(chunk[i], c).Value ?? DBNull.Value;
                await command.ExecuteNonQueryAsync(cancellationToken);
                if (command != full) await command.DisposeAsync();
            }
        }
        finally
        {
            if (full is not null) await full.DisposeAsync();
        }
    }

    /// <summary>A typed parameter (its value set per chunk; a null goes as DBNull of the column's type).</summary>
    private static void AddParameter(DbCommand command, string name, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
    }

    private static (string Head, PropertyInfo[] Columns, string Tail) SplitInsertEventSql()
    {
        var (head, tail) = SplitAroundValues(InsertEventSql);
        var values = InsertEventSql.IndexOf("VALUES", StringComparison.Ordinal);
        var open = InsertEventSql.IndexOf('(', values);
        var columns = InsertEventSql[(open + 1)..InsertEventSql.IndexOf(')', open)].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => typeof(EventInsertRow).GetProperty(p.TrimStart('@'))
                ?? throw new InvalidOperationException($"{p} of the event insert is not a property of {nameof(EventInsertRow)}"))
            .ToArray();
        return (head, columns, tail);
    }

    /// <summary>A one-row INSERT cut into what comes before its row (up to VALUES) and after it.</summary>
    private static (string Head, string Tail) SplitAroundValues(string insertSql)
    {
        var values = insertSql.IndexOf("VALUES", StringComparison.Ordinal);
        var close = insertSql.IndexOf(')', insertSql.IndexOf('(', values));
        return (insertSql[..(values + "VALUES".Length)] + " ", " " + insertSql[(close + 1)..].Trim());
    }

    private static DbType DbTypeOf(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(long) => DbType.Int64,
        var t when t == typeof(bool) => DbType.Boolean,
        var t when t == typeof(byte[]) => DbType.Binary,
        _ => DbType.String,
    };
}
