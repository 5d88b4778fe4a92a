using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Homeserver.Federation.Signing;
using Homeserver.Storage;

namespace Homeserver.CapacityBench;

/// <summary>
/// The generated config of the server under test: open registration with cheap password hashing and
/// rate limits out of the way (the workloads register and sync, they do not test those), warnings
/// only in the log, the run's signing key (the seeder signs with the same key), a loopback port.
/// </summary>
public sealed record ServerConfig(string ConfigPath, Uri BaseUrl, string ServerName, SigningKey SigningKey, StorageOptions Storage)
{
    public static ServerConfig Write(CapacityOptions options)
    {
        const string serverName = "capacity.test";
        Directory.CreateDirectory(options.WorkDirectory);
        var key = SigningKey.Generate();
        var keyPath = Path.Combine(options.WorkDirectory, "signing.key");
        File.WriteAllText(keyPath, SigningKeyFile.Format(key));
        var port = FreePort();
        string database;
        StorageOptions storage;
        if (options.Backend == "postgres")
        {
            // A bounded pool (Synapse's default cp_max is 10): the local server's connections are shared with other users of the machine.
            database = $"""
                database:
                  name: psycopg2
                  args:
                    cp_max: 20
                    connection_string: "{options.PostgresConnectionString}"
                """;
            storage = new StorageOptions { Backend = DatabaseBackend.Postgres, PostgresConnectionString = options.PostgresConnectionString };
        }
        else
        {
            var file = Path.GetFullPath(options.SqlitePath!);
            database = $"""
                database:
                  name: sqlite
                  args:
                    database: "{file}"
                """;
            storage = new StorageOptions { Backend = DatabaseBackend.Sqlite, SqlitePath = file };
        }
        var path = Path.Combine(options.WorkDirectory, "homeserver.yaml");
        File.WriteAllText(path, $$"""
            server_name: {{serverName}}
            signing_key_path: "{{keyPath}}"
            media_store_path: "{{Path.Combine(options.WorkDirectory, "media")}}"
            enable_registration: true
            bcrypt_rounds: 4
            log_level: Warning
            rc_message: {per_second: 1000000, burst_count: 1000000}
            rc_registration: {per_second: 1000000, burst_count: 1000000}
            rc_login:
              address: {per_second: 1000000, burst_count: 1000000}
              account: {per_second: 1000000, burst_count: 1000000}
            listeners:
              - port: {{port.ToString(CultureInfo.InvariantCulture)}}
                bind_addresses: ["127.0.0.1"]
                resources: [client]
            {{database}}

            """);
        return new ServerConfig(path, new Uri($"http://127.0.0.1:{port}"), serverName, key, storage);
    }

    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
