using Microsoft.Extensions.Logging;

namespace Homeserver.Storage;

/// <summary>Log messages of the storage layer; event ids 1000-1099 belong to Homeserver.Storage.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Opening {Backend} database {Target}")]
    public static partial void OpeningDatabase(ILogger logger, DatabaseBackend backend, string target);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Applying schema migration {Version} ({Name}) on {Backend}")]
    public static partial void ApplyingMigration(ILogger logger, int version, string name, DatabaseBackend backend);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Database schema is at version {Version}")]
    public static partial void SchemaUpToDate(ILogger logger, int version);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Database schema version {DatabaseVersion} is newer than this homeserver knows ({KnownVersion})")]
    public static partial void SchemaTooNew(ILogger logger, int databaseVersion, int knownVersion);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "Analyzed table {Table}: it changed as many rows as it held when last analyzed")]
    public static partial void TableAnalyzed(ILogger logger, string table);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Could not refresh the planner statistics of growing tables")]
    public static partial void AnalyzeFailed(ILogger logger, Exception exception);
}
