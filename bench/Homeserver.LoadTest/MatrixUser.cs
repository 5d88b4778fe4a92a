namespace Homeserver.LoadTest;

/// <summary>A registered account: its user id and the access token of its one device.</summary>
public sealed record MatrixUser(string UserId, string AccessToken);
