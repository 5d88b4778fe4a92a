using System.Text.Json.Serialization;

namespace Homeserver.Accounts;

/// <summary>The answer of login and registration: the user and, unless login was inhibited, its new session.</summary>
public sealed record SessionResponse(
    string UserId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AccessToken,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeviceId,
    string HomeServer,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ExpiresInMs)
{
    public static SessionResponse From(IssuedSession session, string homeServer) =>
        new(session.UserId, session.AccessToken, session.DeviceId, homeServer, session.RefreshToken, session.ExpiresInMs);

    /// <summary>Registration with <c>inhibit_login</c>: the user id only.</summary>
    public static SessionResponse WithoutLogin(string userId, string homeServer) => new(userId, null, null, homeServer, null, null);
}
