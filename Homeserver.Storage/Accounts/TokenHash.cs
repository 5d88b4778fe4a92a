namespace Homeserver.Storage.Accounts;

/// <summary>Tokens (access, refresh, login) are stored only as SHA-256 hashes; this checks one is.</summary>
internal static class TokenHash
{
    public const int Length = 32;

    public static void Check(byte[] hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        if (hash.Length != Length)
            throw new ArgumentException($"A token hash is {Length} bytes (SHA-256), not {hash.Length}.", nameof(hash));
    }
}
