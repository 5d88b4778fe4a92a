namespace Homeserver.Configuration;

/// <summary>
/// A notary server trusted to vouch for other servers' keys (Synapse's <c>trusted_key_servers</c> entry):
/// its answers count only when signed by one of <see cref="VerifyKeys"/>.
/// </summary>
public sealed class TrustedKeyServerConfig
{
    public string ServerName { get; set; } = "";

    /// <summary>The notary's own keys: key id (<c>ed25519:...</c>) to unpadded base64 public key.</summary>
    public Dictionary<string, string> VerifyKeys { get; set; } = [];
}
