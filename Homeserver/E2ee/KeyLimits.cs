namespace Homeserver.E2ee;

/// <summary>Bounds on uploaded key material, so one client cannot store unbounded data in a key.</summary>
public static class KeyLimits
{
    /// <summary>Longest algorithm name, key id or device id inside key JSON.</summary>
    public const int MaxIdLength = 255;

    /// <summary>Longest public key or signature string.</summary>
    public const int MaxValueLength = 1024;

    /// <summary>Most entries of an <c>algorithms</c> list, a <c>keys</c> map or a signatures map.</summary>
    public const int MaxEntries = 64;

    /// <summary>Most one-time keys in one upload.</summary>
    public const int MaxOneTimeKeysPerUpload = 1000;

    /// <summary>Largest canonical JSON of one key object (device keys, one-time key, cross-signing key).</summary>
    public const int MaxKeyObjectBytes = 8192;
}
