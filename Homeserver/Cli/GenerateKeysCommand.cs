using System.Collections;
using Homeserver.Configuration;
using Homeserver.Federation.Signing;

namespace Homeserver.Cli;

/// <summary>
/// <c>generate-keys [--output FILE]</c>: writes a new signing key in Synapse's format to FILE (<c>-</c> for
/// standard output), or to the config's <c>signing_key_path</c>. An existing key file is never replaced,
/// since other servers know this server by its key.
/// </summary>
public static class GenerateKeysCommand
{
    public static int Run(CommandLine command, IDictionary environment, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var path = command.Output ?? SigningKeyPathFromConfig(command, environment);
            using var key = SigningKey.Generate();
            var text = SigningKeyFile.Format(key);
            if (path == "-")
            {
                stdout.Write(text);
                return 0;
            }
            path = Path.GetFullPath(path);
            if (File.Exists(path))
            {
                stderr.WriteLine($"error: {path} exists already; a signing key is not replaced");
                return 1;
            }
            SecretFiles.WriteNew(path, text);
            stdout.WriteLine($"Wrote a new signing key {key.KeyId} to {path}");
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

    private static string SigningKeyPathFromConfig(CommandLine command, IDictionary environment)
    {
        var location = ConfigLocation.Resolve(command, environment);
        if (!File.Exists(location.Path))
            throw new ConfigException($"no config at {location.Path}: pass --output FILE, or --config PATH");
        return ConfigLoader.Load(location.Path, environment).Config.SigningKeyPath;
    }
}
