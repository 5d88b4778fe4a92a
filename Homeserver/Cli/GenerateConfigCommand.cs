using System.Collections;
using Homeserver.Configuration;

namespace Homeserver.Cli;

/// <summary><c>generate-config --server-name NAME [--data-dir D | --config PATH]</c>: a new config with its signing key.</summary>
public static class GenerateConfigCommand
{
    public static int Run(CommandLine command, IDictionary environment, TextWriter stdout, TextWriter stderr)
    {
        var serverName = command.ServerName!;
        if (!ServerNameSyntax.IsValid(serverName, out var nameError))
        {
            stderr.WriteLine($"error: '{serverName}' is not a server name: {nameError}");
            return 1;
        }
        var location = ConfigLocation.Resolve(command, environment);
        if (File.Exists(location.Path))
        {
            stderr.WriteLine($"error: {location.Path} exists already; it is not overwritten");
            return 1;
        }
        try
        {
            ConfigGenerator.Write(location.Path, serverName, stdout);
            var loaded = ConfigLoader.Load(location.Path, new Hashtable());
            SigningKeyFiles.LoadOrCreate(loaded.Config.SigningKeyPath, stdout).Dispose();
            return 0;
        }
        catch (ConfigException e)
        {
            foreach (var error in e.Errors) stderr.WriteLine($"config error: {error}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
