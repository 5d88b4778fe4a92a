namespace Homeserver.Storage;

/// <summary>Which database engine holds the homeserver's data.</summary>
public enum DatabaseBackend
{
    /// <summary>An embedded SQLite file: the default, nothing to install.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: the production backend, shareable by several processes.</summary>
    Postgres,
}
