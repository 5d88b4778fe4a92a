using System.Data.Common;
using Dapper;
using Homeserver.Storage.Database;
using Microsoft.Extensions.Logging;

namespace Homeserver.Storage.Migrations;

/// <summary>
/// Brings the schema up to the newest migration this code knows. Concurrent migrators (several
/// homeserver processes starting together) are kept apart by the dialect's migration lock
/// (a PostgreSQL advisory lock) and by re-reading the version inside each migration's own write
/// transaction, so every migration is applied exactly once.
/// </summary>
internal sealed class SchemaMigrator(IDatabase database, IReadOnlyList<Migration> migrations, ILogger logger)
{
    private const string CurrentVersionSql = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
    private const string RecordVersionSql = "INSERT INTO schema_version (version, applied_at) VALUES (@Version, @AppliedAt)";

    /// <summary>Migrations of a large database may take long; an hour bounds a stuck one.</summary>
    private const int ScriptTimeoutSeconds = 3600;

    /// <summary>Applies the missing migrations and returns the resulting schema version.</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        var knownVersion = migrations.Count == 0 ? 0 : migrations[^1].Version;
        var dialect = database.Dialect;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var migrationLock = await dialect.AcquireMigrationLockAsync(connection, cancellationToken);
        while (true)
        {
            await using var transaction = await dialect.BeginWriteTransactionAsync(connection, cancellationToken);
            var current = await ReadVersionAsync(connection, transaction, cancellationToken);
            if (current > knownVersion)
            {
                StorageLog.SchemaTooNew(logger, current, knownVersion);
                throw new SchemaTooNewException(current, knownVersion);
            }

            var next = migrations.FirstOrDefault(m => m.Version > current);
            if (next is null)
            {
                await transaction.CommitAsync(cancellationToken);
                StorageLog.SchemaUpToDate(logger, current);
                return current;
            }

            StorageLog.ApplyingMigration(logger, next.Version, next.Name, dialect.Backend);
            await connection.ExecuteAsync(new CommandDefinition(next.Sql, transaction: transaction, commandTimeout: ScriptTimeoutSeconds, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                RecordVersionSql,
                new { next.Version, AppliedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                transaction,
                cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>The highest applied version, 0 for an empty database.</summary>
    private async Task<int> ReadVersionAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var exists = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            database.Dialect.SchemaVersionTableExistsSql, transaction: transaction, cancellationToken: cancellationToken));
        if (exists == 0)
            return 0;
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            CurrentVersionSql, transaction: transaction, cancellationToken: cancellationToken));
    }
}
