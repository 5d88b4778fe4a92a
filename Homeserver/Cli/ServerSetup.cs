using System.Collections;
using Homeserver.Configuration;
using Homeserver.Hosting;

namespace Homeserver.Cli;

/// <summary>
/// Gets the server ready to run: finds the config (writing a new one on first run when none was named),
/// loads and validates it, loads or creates the signing key and loads TLS certificates, printing what it
/// did and where. Problems are printed as <c>config error: key: message</c> lines, never as stack traces.
/// </summary>
public static class ServerSetup
{
    /// <returns>The prepared server, or null when it cannot start (the reasons have been printed).</returns>
    public static PreparedServer? Prepare(CommandLine command, IDictionary environment, TextWriter stdout, TextWriter stderr)
    {
        var location = ConfigLocation.Resolve(command, environment);
        try
        {
            if (!File.Exists(location.Path))
            {
                if (location.IsExplicit)
                    throw new ConfigException($"config file not found: {location.Path} (create one with generate-config)");
                ConfigGenerator.Write(location.Path, "localhost", stdout);
            }
            var loaded = ConfigLoader.Load(location.Path, environment);
            foreach (var warning in loaded.Warnings) stderr.WriteLine($"config warning: {warning}");
            var config = loaded.Config;
            var key = SigningKeyFiles.LoadOrCreate(config.SigningKeyPath, stdout);
            var certificates = ListenerCertificates.Load(config);
            CreateDataFolders(config);
            PrintSummary(loaded, key.KeyId, stdout);
            return new PreparedServer(loaded, key, certificates);
        }
        catch (ConfigException e)
        {
            foreach (var error in e.Errors) stderr.WriteLine($"config error: {error}");
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return null;
        }
    }

    private static void CreateDataFolders(HomeserverConfig config)
    {
        Directory.CreateDirectory(config.MediaStorePath);
        if (config.Database.Engine == DatabaseEngine.Sqlite && config.Database.Args.Database is { } file && file != ":memory:")
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
    }

    private static void PrintSummary(LoadedConfig loaded, string keyId, TextWriter stdout)
    {
        var config = loaded.Config;
        var args = config.Database.Args;
        var database = config.Database.Engine == DatabaseEngine.Sqlite
            ? $"SQLite {args.Database}"
            : $"PostgreSQL {args.Host ?? "(from connection string)"}{(args.Port is { } port ? $":{port}" : "")}/{args.Database}";
        stdout.WriteLine($"Config:       {loaded.Path}");
        stdout.WriteLine($"Server name:  {config.ServerName}");
        stdout.WriteLine($"Signing key:  {config.SigningKeyPath} ({keyId})");
        stdout.WriteLine($"Database:     {database}");
        stdout.WriteLine($"Media store:  {config.MediaStorePath}");
        foreach (var (url, listener) in KestrelListeners.Urls(config))
            stdout.WriteLine($"Listening on: {url} ({string.Join(", ", listener.Resources)})");
    }
}
