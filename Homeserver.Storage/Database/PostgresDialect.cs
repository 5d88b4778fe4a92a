using System.Data.Common;
using Dapper;
using Npgsql;

namespace Homeserver.Storage.Database;

public sealed class PostgresDialect : SqlDialect
{
    public static readonly PostgresDialect Instance = new();

    /// <summary>Advisory lock key of schema migrations ("mxhsmigr" in ASCII): fixed so that every
    /// homeserver process sharing the database takes the same lock.</summary>
    internal const long MigrationLockKey = 0x6D7868736D696772;

    private const string LockSql = "SELECT pg_advisory_lock(@Key)";
    private const string UnlockSql = "SELECT pg_advisory_unlock(@Key)";

    private PostgresDialect()
    {
    }

    public override DatabaseBackend Backend => DatabaseBackend.Postgres;

    internal override string MigrationFolder => "Postgres";

    internal override string SchemaVersionTableExistsSql =>
        "SELECT CASE WHEN to_regclass('schema_version') IS NULL THEN 0 ELSE 1 END";

    internal override async Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken);

    internal override async Task<IAsyncDisposable> AcquireMigrationLockAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // No command timeout: another process may be running a long migration; cancellation still works.
        await connection.ExecuteAsync(new CommandDefinition(LockSql, new { Key = MigrationLockKey }, commandTimeout: 0, cancellationToken: cancellationToken));
        return new AdvisoryLock(connection);
    }

    public override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override bool IsDeadlock(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected };

    private sealed class AdvisoryLock(DbConnection connection) : IAsyncDisposable
    {
        // Closing the session would release the lock too, but pooled connections stay open.
        public async ValueTask DisposeAsync() =>
            await connection.ExecuteAsync(UnlockSql, new { Key = MigrationLockKey });
    }
}
