using System.Data.Common;

namespace Homeserver.Storage.Database;

/// <summary>
/// The differences between SQLite and PostgreSQL that code must know about, kept in one small
/// place. Plain SQL that both understand (ON CONFLICT, RETURNING, parameters) needs nothing here.
/// </summary>
public abstract class SqlDialect
{
    public abstract DatabaseBackend Backend { get; }

    /// <summary>The folder under Migrations/ that holds this backend's scripts.</summary>
    internal abstract string MigrationFolder { get; }

    /// <summary>A query returning 1 when the schema_version table exists and 0 otherwise.</summary>
    internal abstract string SchemaVersionTableExistsSql { get; }

    /// <summary>Begins a transaction that holds the write lock from its first statement.</summary>
    internal abstract Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the lock that keeps concurrent migrators apart, held on <paramref name="connection"/>
    /// until the result is disposed.
    /// </summary>
    internal abstract Task<IAsyncDisposable> AcquireMigrationLockAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Whether the exception reports a primary key or unique constraint violation.</summary>
    public abstract bool IsUniqueViolation(DbException exception);

    /// <summary>Whether the database aborted the transaction to break a deadlock; the transaction may be retried.</summary>
    public abstract bool IsDeadlock(DbException exception);
}
