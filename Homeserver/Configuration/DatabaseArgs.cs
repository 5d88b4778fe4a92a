namespace Homeserver.Configuration;

/// <summary>
/// Synapse's <c>database.args</c>. For SQLite only <see cref="Database"/> (the file path) matters; for
/// PostgreSQL either the separate arguments or a <see cref="ConnectionString"/> (Npgsql syntax), or both
/// (separate arguments win).
/// </summary>
public sealed class DatabaseArgs
{
    /// <summary>The SQLite file used when <see cref="Database"/> is unset.</summary>
    public const string DefaultSqliteFile = "homeserver.db";

    /// <summary>
    /// SQLite: the database file, relative to the config folder (<see cref="DefaultSqliteFile"/> when unset).
    /// PostgreSQL: the database name.
    /// </summary>
    public string? Database { get; set; }
    public string? User { get; set; }
    [SecretOption]
    public string? Password { get; set; }
    public string? Host { get; set; }
    public int? Port { get; set; }
    /// <summary>An Npgsql connection string; secret because it may hold the password.</summary>
    [SecretOption]
    public string? ConnectionString { get; set; }

    /// <summary>Smallest connection pool size (PostgreSQL).</summary>
    public int? CpMin { get; set; }

    /// <summary>Largest connection pool size (PostgreSQL).</summary>
    public int? CpMax { get; set; }
}
