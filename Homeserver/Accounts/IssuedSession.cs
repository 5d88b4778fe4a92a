namespace Homeserver.Accounts;

/// <summary>What login, registration and refresh hand to the client. The tokens exist only here and in the response.</summary>
public sealed record IssuedSession(string UserId, string DeviceId, string AccessToken, string? RefreshToken, long? ExpiresInMs);
