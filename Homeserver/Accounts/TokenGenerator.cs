using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;

namespace Homeserver.Accounts;

/// <summary>Random secrets and identifiers handed to clients. Tokens are stored only as SHA-256 hashes.</summary>
public static class TokenGenerator
{
    private const int SecretBytes = 32;
    private const string DeviceIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>A new access token, <c>syt_</c> and 32 random bytes (Synapse's prefix, so log scrubbers recognise it).</summary>
    public static string NewAccessToken() => "syt_" + RandomPart();

    /// <summary>A new refresh token, <c>syr_</c> and 32 random bytes.</summary>
    public static string NewRefreshToken() => "syr_" + RandomPart();

    /// <summary>A new single-use login token (<c>m.login.token</c>), <c>syl_</c> and 32 random bytes.</summary>
    public static string NewLoginToken() => "syl_" + RandomPart();

    /// <summary>An opaque session id for user-interactive authentication.</summary>
    public static string NewSessionId() => RandomPart();

    /// <summary>A new OpenID token, <c>syo_</c> and 32 random bytes.</summary>
    public static string NewOpenIdToken() => "syo_" + RandomPart();

    /// <summary>A device id as Synapse makes them: ten upper-case letters.</summary>
    public static string NewDeviceId() => RandomNumberGenerator.GetString(DeviceIdAlphabet, 10);

    private static string RandomPart() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(SecretBytes));
}
