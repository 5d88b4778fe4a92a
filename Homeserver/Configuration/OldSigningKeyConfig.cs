namespace Homeserver.Configuration;

/// <summary>
/// A signing key this server used before (Synapse's <c>old_signing_keys</c> entry), published under
/// <c>old_verify_keys</c> so that other servers can still check the events it signed.
/// </summary>
public sealed class OldSigningKeyConfig
{
    /// <summary>The unpadded base64 public key.</summary>
    public string Key { get; set; } = "";

    /// <summary>When the key stopped being used, in milliseconds since the epoch.</summary>
    public long ExpiredTs { get; set; }
}
