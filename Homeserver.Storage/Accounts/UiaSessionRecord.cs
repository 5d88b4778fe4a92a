namespace Homeserver.Storage.Accounts;

/// <summary>
/// A user-interactive authentication session. <paramref name="RequestKey"/> identifies the request it
/// authenticates (method and path), <paramref name="UserId"/> the user it was started for (null for
/// registration), and <paramref name="CompletedStages"/> maps each completed stage type to what it
/// established (the authenticated user id, the registration token, or an empty string).
/// </summary>
public sealed record UiaSessionRecord(
    string SessionId,
    string RequestKey,
    string? UserId,
    IReadOnlyDictionary<string, string> CompletedStages,
    long CreatedTs,
    long ExpiresTs);
