namespace Homeserver.Http.Auth;

/// <summary>
/// Who made an authenticated Client-Server request. Produced only by <see cref="AccessTokenAuthenticator"/>;
/// endpoints that call <c>RequireMatrixAuth()</c> take it as a handler parameter.
/// </summary>
/// <param name="DeviceId">Null for callers without a device (application services, later).</param>
public sealed record RequestUser(string UserId, string? DeviceId, bool IsGuest)
{
    /// <summary>Minimal API parameter binding: the user the auth middleware stored for this request.</summary>
    public static ValueTask<RequestUser?> BindAsync(HttpContext context) =>
        ValueTask.FromResult<RequestUser?>(context.GetRequestUser());
}
