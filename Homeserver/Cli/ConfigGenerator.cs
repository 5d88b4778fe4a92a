using System.Security.Cryptography;
using Homeserver.Configuration;

namespace Homeserver.Cli;

/// <summary>
/// Writes a new homeserver.yaml for a server name: SQLite database, signing key and media store next to
/// the config file, one listener on http://127.0.0.1:8008 serving client and federation APIs, and a
/// random registration shared secret. The file is readable by its owner only because it holds that secret.
/// </summary>
public static class ConfigGenerator
{
    /// <exception cref="IOException">The file exists already or cannot be written.</exception>
    public static void Write(string configPath, string serverName, TextWriter stdout)
    {
        SecretFiles.WriteNew(configPath, Render(serverName, RandomNumberGenerator.GetHexString(64, lowercase: true)));
        stdout.WriteLine($"Wrote a new config for server name '{serverName}' to {configPath}");
    }

    public static string Render(string serverName, string registrationSharedSecret)
    {
        var host = ServerNameSyntax.Host(serverName);
        var isLocal = host is "localhost" or "127.0.0.1" or "::1";
        // A local server is reached over plain HTTP on the listener port; others default to https://server_name/.
        var baseUrlLine = isLocal
            ? $"public_baseurl: \"http://{(host == "::1" ? "[::1]" : host)}:8008/\""
            : "# public_baseurl: \"https://" + serverName + "/\"";
        return $"""
            # Homeserver configuration, generated for '{serverName}'.
            # Every option, with its default and meaning, is described in config/homeserver.example.yaml.
            # Relative paths count from the folder of this file. Environment variables
            # HOMESERVER__SECTION__KEY override keys (e.g. HOMESERVER__LISTENERS__0__PORT=8448).

            # The server name is part of every user and room id: it cannot change later.
            server_name: "{serverName}"
            {baseUrlLine}

            listeners:
              - port: 8008
                bind_addresses: ["127.0.0.1"]
                resources: [client, federation]

            database:
              name: sqlite
              args:
                database: homeserver.db

            signing_key_path: signing.key
            media_store_path: media_store

            enable_registration: false
            registration_shared_secret: "{registrationSharedSecret}"

            log_level: Information

            """;
    }
}
