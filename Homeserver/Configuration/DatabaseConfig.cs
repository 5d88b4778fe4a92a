using YamlDotNet.Serialization;

namespace Homeserver.Configuration;

/// <summary>
/// The database (Synapse's <c>database</c> section): <c>name</c> is <c>sqlite</c> (or Synapse's
/// <c>sqlite3</c>), the embedded default, or <c>psycopg2</c> (or <c>postgres</c>) for PostgreSQL.
/// </summary>
public sealed class DatabaseConfig
{
    public string Name { get; set; } = "sqlite";
    public DatabaseArgs Args { get; set; } = new();

    /// <summary>The engine <see cref="Name"/> selects; null when the name is unknown (validation reports it).</summary>
    [YamlIgnore]
    public DatabaseEngine? Engine => Name.ToLowerInvariant() switch
    {
        "sqlite" or "sqlite3" => DatabaseEngine.Sqlite,
        "psycopg2" or "postgres" or "postgresql" => DatabaseEngine.Postgres,
        _ => null,
    };

    /// <summary>
    /// An ADO.NET connection string for the engine: for SQLite <c>Data Source=&lt;database&gt;</c>; for
    /// PostgreSQL the given <c>connection_string</c> with the separate arguments applied over it.
    /// </summary>
    public string ConnectionString()
    {
        if (Engine == DatabaseEngine.Sqlite)
            return new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = Args.Database ?? DatabaseArgs.DefaultSqliteFile }.ToString();
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(Args.ConnectionString ?? "");
        if (Args.Host is not null) builder.Host = Args.Host;
        if (Args.Port is { } port) builder.Port = port;
        if (Args.User is not null) builder.Username = Args.User;
        if (Args.Password is not null) builder.Password = Args.Password;
        if (Args.Database is not null) builder.Database = Args.Database;
        if (Args.CpMin is { } min) builder.MinPoolSize = min;
        if (Args.CpMax is { } max) builder.MaxPoolSize = max;
        return builder.ConnectionString;
    }
}

public enum DatabaseEngine
{
    Sqlite,
    Postgres,
}
