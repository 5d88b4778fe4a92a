using Homeserver.Federation.Json;

namespace Homeserver.Federation.Signing;

/// <summary>
/// Synapse's signing key file format: one key per line, <c>ed25519 &lt;version&gt; &lt;unpadded base64 seed&gt;</c>,
/// so keys can move between Synapse and this server.
/// </summary>
public static class SigningKeyFile
{
    public static IReadOnlyList<SigningKey> Parse(string text)
    {
        var keys = new List<SigningKey>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3 || parts[0] != "ed25519")
                throw new FormatException($"line {lineNumber}: expected 'ed25519 <version> <base64 seed>'");
            if (!UnpaddedBase64.TryDecode(parts[2], out var seed) || seed.Length != 32)
                throw new FormatException($"line {lineNumber}: the seed is not 32 bytes of base64");
            if (!SigningKey.IsValidVersion(parts[1]))
                throw new FormatException($"line {lineNumber}: key version must be [a-zA-Z0-9_]+");
            keys.Add(SigningKey.FromSeed(parts[1], seed));
        }
        return keys.Count > 0 ? keys : throw new FormatException("the key file holds no key");
    }

    public static string Format(SigningKey key) => $"ed25519 {key.Version} {UnpaddedBase64.Encode(key.ExportSeed())}\n";
}
