using Npgsql;

namespace Homeserver.LoadTest;

/// <summary>
/// Transactions (read-only ones included), rows written and rows read in one PostgreSQL database,
/// from <c>pg_stat_database</c>, and rows read per table from <c>pg_stat_user_tables</c>, between two
/// readings. A backend publishes its counts at most once a second and an idle one within 10 s, so
/// each reading waits 11 s after the work; the counts include the readings' own transactions.
/// </summary>
public sealed record DatabaseWork(long Commits, long RowsWritten, long RowsRead, IReadOnlyDictionary<string, TableReads> Tables)
{
    public static async Task<DatabaseWork> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(11), cancellationToken);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var database = new NpgsqlCommand(
            "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted, tup_returned + tup_fetched FROM pg_stat_database WHERE datname = current_database()",
            connection);
        long commits, written, read;
        await using (var reader = await database.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (commits, written, read) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }
        await using var tablesCommand = new NpgsqlCommand(
            "SELECT relname, coalesce(seq_scan, 0), coalesce(seq_tup_read, 0), coalesce(idx_tup_fetch, 0) FROM pg_stat_user_tables", connection);
        var tables = new Dictionary<string, TableReads>();
        await using (var reader = await tablesCommand.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                tables[reader.GetString(0)] = new TableReads(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        return new DatabaseWork(commits, written, read, tables);
    }

    public DatabaseWork Since(DatabaseWork before) => new(
        Commits - before.Commits, RowsWritten - before.RowsWritten, RowsRead - before.RowsRead,
        Tables.ToDictionary(t => t.Key, t => before.Tables.TryGetValue(t.Key, out var b)
            ? new TableReads(t.Value.SequentialScans - b.SequentialScans, t.Value.SequentialRows - b.SequentialRows, t.Value.IndexRows - b.IndexRows)
            : t.Value));

    /// <summary>The tables that gave the most rows, sequential scans and index fetches together.</summary>
    public IEnumerable<(string Table, TableReads Reads)> MostRead(int count) =>
        Tables.OrderByDescending(t => t.Value.SequentialRows + t.Value.IndexRows).Take(count).Select(t => (t.Key, t.Value));
}
