using Npgsql;

namespace Homeserver.LoadTest;

/// <summary>
/// Committed transactions and rows written in one PostgreSQL database (from <c>pg_stat_database</c>)
/// between two readings. The statistics reach that view within about a second of each transaction,
/// so a reading is taken after a short pause; the counts include the reading's own transaction.
/// </summary>
public sealed record DatabaseWork(long Commits, long RowsWritten, long RowsRead)
{
    public static async Task<DatabaseWork> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted, tup_returned + tup_fetched FROM pg_stat_database WHERE datname = current_database()",
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new DatabaseWork(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public DatabaseWork Since(DatabaseWork before) => new(Commits - before.Commits, RowsWritten - before.RowsWritten, RowsRead - before.RowsRead);
}
