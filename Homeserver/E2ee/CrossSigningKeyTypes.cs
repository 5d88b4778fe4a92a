namespace Homeserver.E2ee;

/// <summary>The three cross-signing keys, named by their <c>usage</c>.</summary>
public static class CrossSigningKeyTypes
{
    public const string Master = "master";
    public const string SelfSigning = "self_signing";
    public const string UserSigning = "user_signing";
}
