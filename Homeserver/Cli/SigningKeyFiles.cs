using Homeserver.Configuration;
using Homeserver.Federation.Signing;

namespace Homeserver.Cli;

/// <summary>Reads the server's signing key file (Synapse's format), creating it with a new key when missing.</summary>
public static class SigningKeyFiles
{
    /// <summary>The first key of the file at <paramref name="path"/>; a new key is generated and written when the file is missing.</summary>
    /// <exception cref="ConfigException">The file exists but cannot be read or parsed.</exception>
    public static SigningKey LoadOrCreate(string path, TextWriter stdout)
    {
        if (!File.Exists(path))
        {
            var key = SigningKey.Generate();
            SecretFiles.WriteNew(path, SigningKeyFile.Format(key));
            stdout.WriteLine($"Wrote a new signing key {key.KeyId} to {path}");
            return key;
        }
        try
        {
            var keys = SigningKeyFile.Parse(File.ReadAllText(path));
            foreach (var extra in keys.Skip(1)) extra.Dispose();
            return keys[0];
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"signing_key_path: cannot use {path}: {e.Message}");
        }
    }
}
