using System.Security.Cryptography;
using System.Text;
using Homeserver.Configuration;
using Homeserver.Federation.Http;

namespace Homeserver.Accounts;

/// <summary>
/// Synapse's admin registration with <c>registration_shared_secret</c>: the caller proves it knows the secret
/// with an HMAC-SHA1, keyed by the secret, over <c>nonce \0 username \0 password \0 admin|notadmin</c>
/// (followed by <c>\0 user_type</c> when a user type is given), hex-encoded.
/// </summary>
public sealed class SharedSecretRegistration(HomeserverConfig config, RegistrationNonces nonces)
{
    public bool Enabled => config.RegistrationSharedSecret is { Length: > 0 };

    public string CreateNonce()
    {
        EnsureEnabled();
        return nonces.Create();
    }

    /// <summary>Checks the nonce (used up either way) and the MAC; 400 for an unknown nonce, 403 for a wrong MAC.</summary>
    public void Verify(string nonce, string username, string password, bool admin, string? userType, string mac)
    {
        EnsureEnabled();
        if (!nonces.TryConsume(nonce))
            throw new MatrixException(400, ErrorCodes.Unknown, "Unrecognised nonce.");
        var expected = ComputeMac(config.RegistrationSharedSecret!, nonce, username, password, admin, userType);
        byte[] given;
        try
        {
            given = Convert.FromHexString(mac);
        }
        catch (FormatException)
        {
            throw MatrixException.Forbidden("HMAC incorrect.");
        }
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
            throw MatrixException.Forbidden("HMAC incorrect.");
    }

    /// <summary>The MAC as Synapse's documentation and <c>register_new_matrix_user</c> compute it.</summary>
    public static byte[] ComputeMac(string sharedSecret, string nonce, string username, string password, bool admin, string? userType = null)
    {
        var message = $"{nonce}\0{username}\0{password}\0{(admin ? "admin" : "notadmin")}";
        if (userType is not null)
            message += "\0" + userType;
        return HMACSHA1.HashData(Encoding.UTF8.GetBytes(sharedSecret), Encoding.UTF8.GetBytes(message));
    }

    private void EnsureEnabled()
    {
        if (!Enabled)
            throw new MatrixException(400, ErrorCodes.Unknown, "Shared secret registration is not enabled.");
    }
}
