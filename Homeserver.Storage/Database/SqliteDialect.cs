using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Homeserver.Storage.Database;

public sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    private SqliteDialect()
    {
    }

    public override DatabaseBackend Backend => DatabaseBackend.Sqlite;

    internal override string MigrationFolder => "Sqlite";

    internal override string SchemaVersionTableExistsSql =>
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";

    /// <summary>BEGIN IMMEDIATE: takes SQLite's single write lock at once (waiting up to the busy
    /// timeout), so a transaction never fails later when upgrading from a read to a write.</summary>
    internal override Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    /// <summary>
    /// SQLite has no session lock; none is needed: each migration runs in an IMMEDIATE transaction,
    /// which is the database's only write lock in WAL mode, and re-reads the schema version inside it.
    /// </summary>
    internal override Task<IAsyncDisposable> AcquireMigrationLockAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable>(NoLock.Instance);

    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteConstraint } sqlite
        && sqlite.SqliteExtendedErrorCode is SqliteConstraintPrimaryKey or SqliteConstraintUnique;

    /// <summary>Never: a write transaction takes the database's one write lock up front (IMMEDIATE).</summary>
    public override bool IsDeadlock(DbException exception) => false;

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
