namespace Homeserver.Http.RateLimiting;

/// <summary>Names of the rate limits, after the homeserver.yaml keys that configure them.</summary>
public static class RateLimitPolicies
{
    /// <summary><c>rc_message</c>: sending events, per user.</summary>
    public const string Message = "rc_message";

    /// <summary><c>rc_registration</c>: registration attempts, per client address.</summary>
    public const string Registration = "rc_registration";

    /// <summary><c>rc_login.address</c>: login attempts per client address.</summary>
    public const string LoginAddress = "rc_login.address";

    /// <summary><c>rc_login.account</c>: login attempts per account.</summary>
    public const string LoginAccount = "rc_login.account";

    /// <summary><c>rc_login.failed_attempts</c>: failed login attempts per account.</summary>
    public const string LoginFailedAttempts = "rc_login.failed_attempts";

    /// <summary><c>rc_media_create</c>: uploads and new media ids, per user.</summary>
    public const string MediaCreate = "rc_media_create";
}
