using Homeserver.Configuration;

namespace Homeserver.Accounts;

/// <summary>
/// bcrypt password hashes (<c>$2b$</c>, as Synapse writes them) of the NFKC-normalised password, as Synapse
/// hashes them, so hashes imported from a Synapse database keep working.
/// </summary>
public sealed class PasswordHasher(HomeserverConfig config)
{
    /// <summary>Synapse rejects longer passwords; bcrypt only reads the first 72 bytes anyway.</summary>
    public const int MaxPasswordLength = 512;

    // Verified against when the user does not exist, so that the answer takes as long as for a real account.
    private readonly Lazy<string> _dummyHash = new(() => BCrypt.Net.BCrypt.HashPassword("dummy password", config.BcryptRounds));

    public string Hash(string password) =>
        BCrypt.Net.BCrypt.HashPassword(Normalize(password), BCrypt.Net.BCrypt.GenerateSalt(config.BcryptRounds, 'b'));

    /// <summary>Whether <paramref name="password"/> matches <paramref name="hash"/>; a null or malformed hash matches nothing.</summary>
    public bool Verify(string password, string? hash)
    {
        if (hash is null)
        {
            BCrypt.Net.BCrypt.Verify(Normalize(password), _dummyHash.Value);
            return false;
        }
        try
        {
            // BCrypt.Verify compares the hashes in constant time.
            return BCrypt.Net.BCrypt.Verify(Normalize(password), hash);
        }
        catch (Exception e) when (e is BCrypt.Net.SaltParseException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>NFKC, as Synapse applies before hashing; a string with lone surrogates is left as it is.</summary>
    private static string Normalize(string password)
    {
        try
        {
            return password.Normalize(System.Text.NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            return password;
        }
    }
}
