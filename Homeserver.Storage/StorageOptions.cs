namespace Homeserver.Storage;

/// <summary>
/// Where the homeserver keeps its data. Built by the host from its own configuration, so that
/// Storage does not depend on the configuration format.
/// </summary>
public sealed record StorageOptions
{
    public DatabaseBackend Backend { get; init; } = DatabaseBackend.Sqlite;

    /// <summary>Path of the SQLite database file (created with its folder when missing).</summary>
    public string SqlitePath { get; init; } = "homeserver.db";

    /// <summary>Npgsql connection string, for example <c>Host=127.0.0.1;Database=matrix;Username=matrix;Password=...</c>.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>How long a SQLite writer waits for another writer (another process) before failing.</summary>
    public TimeSpan SqliteBusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentException"/> with a clear message when the options cannot work.</summary>
    public void Validate()
    {
        switch (Backend)
        {
            case DatabaseBackend.Sqlite:
                if (string.IsNullOrWhiteSpace(SqlitePath))
                    throw new ArgumentException("The SQLite database path is empty.");
                if (SqlitePath.Trim() == ":memory:" || SqlitePath.Contains("mode=memory", StringComparison.OrdinalIgnoreCase))
                    throw new ArgumentException("An in-memory SQLite database cannot be used: give a file path.");
                if (SqliteBusyTimeout <= TimeSpan.Zero || SqliteBusyTimeout > TimeSpan.FromMinutes(10))
                    throw new ArgumentException($"The SQLite busy timeout must be between 0 and 10 minutes, not {SqliteBusyTimeout}.");
                break;
            case DatabaseBackend.Postgres:
                if (string.IsNullOrWhiteSpace(PostgresConnectionString))
                    throw new ArgumentException("The PostgreSQL backend needs a connection string.");
                break;
            default:
                throw new ArgumentException($"Unknown database backend '{Backend}'.");
        }
    }
}
