using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Homeserver.Storage.Database;

/// <summary>
/// A SQLite file in WAL mode (readers never block the writer), with foreign keys on and a busy
/// timeout. SQLite allows one writer at a time: writers of this process queue on a semaphore, and
/// writers of other processes are waited for through BEGIN IMMEDIATE and the busy timeout.
/// </summary>
public sealed class SqliteDatabase : IDatabase
{
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;
    private readonly SemaphoreSlim _writer = new(1, 1);

    private SqliteDatabase(string connectionString, TimeSpan busyTimeout)
    {
        _connectionString = connectionString;
        _busyTimeoutMs = (int)busyTimeout.TotalMilliseconds;
    }

    public SqlDialect Dialect => SqliteDialect.Instance;

    /// <summary>Opens (creating when missing) the database file and switches it to WAL mode.</summary>
    public static async Task<SqliteDatabase> OpenAsync(string path, TimeSpan busyTimeout, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)busyTimeout.TotalSeconds),
        }.ToString();
        var database = new SqliteDatabase(connectionString, busyTimeout);

        // The journal mode is stored in the file, so setting it once per open is enough.
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var mode = await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode = WAL");
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"The SQLite database {fullPath} cannot be switched to WAL mode (it reports '{mode}').");
            return database;
        }
        catch (SqliteException e)
        {
            await database.DisposeAsync();
            throw new InvalidOperationException($"Cannot open the SQLite database {fullPath}: {e.Message}", e);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // Wait for another process's writer instead of failing at once. Synchronous stays FULL
            // (the default): a commit that was acknowledged survives a power cut.
            await connection.ExecuteAsync($"PRAGMA busy_timeout = {_busyTimeoutMs}");
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken);
            await using var transaction = await Dialect.BeginWriteTransactionAsync(connection, cancellationToken);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        // Close the pooled connections so the file is released (tests delete it; the process may exit).
        using (var connection = new SqliteConnection(_connectionString))
            SqliteConnection.ClearPool(connection);
        _writer.Dispose();
        return ValueTask.CompletedTask;
    }
}
