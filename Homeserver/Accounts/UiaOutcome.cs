namespace Homeserver.Accounts;

/// <summary>
/// A completed user-interactive authentication: its session and what each completed stage established
/// (the authenticated user id for <c>m.login.password</c>, the token for <c>m.login.registration_token</c>).
/// </summary>
public sealed record UiaOutcome(string SessionId, IReadOnlyDictionary<string, string> Completed);
