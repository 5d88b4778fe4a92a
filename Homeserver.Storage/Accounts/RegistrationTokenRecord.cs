namespace Homeserver.Storage.Accounts;

/// <summary>
/// A registration token as Synapse keeps it: <paramref name="UsesAllowed"/> null is unlimited,
/// <paramref name="Pending"/> counts sessions that presented the token but have not finished registering,
/// <paramref name="ExpiryTime"/> (milliseconds since the Unix epoch) null never expires.
/// </summary>
public sealed record RegistrationTokenRecord(string Token, long? UsesAllowed, long Pending, long Completed, long? ExpiryTime)
{
    /// <summary>Whether another registration may start with this token at <paramref name="nowMs"/>.</summary>
    public bool IsValidAt(long nowMs) =>
        (UsesAllowed is null || Pending + Completed < UsesAllowed) && (ExpiryTime is null || ExpiryTime > nowMs);
}
