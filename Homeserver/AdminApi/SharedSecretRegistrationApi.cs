using Homeserver.Accounts;
using Homeserver.Configuration;
using Homeserver.Http;

namespace Homeserver.AdminApi;

/// <summary>
/// Synapse's shared-secret registration, <c>GET/POST /_synapse/admin/v1/register</c>: a nonce, then a
/// registration proven with an HMAC of the shared secret. Works even when <c>enable_registration</c> is false;
/// disabled unless <c>registration_shared_secret</c> is set.
/// </summary>
public static class SharedSecretRegistrationApi
{
    public const string Path = "/_synapse/admin/v1/register";

    public static IEndpointRouteBuilder MapSharedSecretRegistrationApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, (SharedSecretRegistration registration) => new NonceResponse(registration.CreateNonce()));
        routes.MapPost(Path, RegisterAsync);
        return routes;
    }

    private static async Task<SessionResponse> RegisterAsync(
        HttpRequest request, SharedSecretRegistration registration, AccountService accounts, DeviceSessions sessions, HomeserverConfig config)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var body = JsonBody.Bind<AdminRegisterRequest>(await JsonBody.ReadObjectAsync(request));
        AccountService.CheckPassword(body.Password);
        registration.Verify(body.Nonce, body.Username, body.Password, body.Admin ?? false, body.UserType, body.Mac);

        var userId = await accounts.CheckAvailableAsync(body.Username, cancellationToken);
        await accounts.CreateAsync(userId, body.Password, isGuest: false, admin: body.Admin ?? false, cancellationToken);
        if (body.InhibitLogin == true)
            return SessionResponse.WithoutLogin(userId, config.ServerName);
        var session = await sessions.StartAsync(userId, requestedDeviceId: null, initialDisplayName: null, refreshable: false, isGuest: false,
            request.HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return SessionResponse.From(session, config.ServerName);
    }

    public sealed record NonceResponse(string Nonce);

    /// <summary>Synapse's request body; <c>displayname</c> is accepted and not yet stored (profiles come later).</summary>
    private sealed record AdminRegisterRequest(
        string Nonce,
        string Username,
        string Password,
        string Mac,
        bool? Admin = null,
        string? UserType = null,
        string? Displayname = null,
        bool? InhibitLogin = null);
}
