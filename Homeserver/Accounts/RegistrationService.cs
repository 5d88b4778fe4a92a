using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Storage.Accounts;

namespace Homeserver.Accounts;

/// <summary><c>POST /register</c>: guest accounts, and user accounts behind user-interactive authentication.</summary>
public sealed class RegistrationService(
    HomeserverConfig config,
    AccountService accounts,
    UserInteractiveAuth uia,
    DeviceSessions sessions,
    IRegistrationTokenStore registrationTokens)
{
    /// <summary>The flows a registration may complete: a registration token when required, else the dummy stage.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Flows =>
        config.RegistrationRequiresToken ? [[AuthTypes.RegistrationToken]] : [[AuthTypes.Dummy]];

    public async Task<SessionResponse> RegisterAsync(HttpRequest request, string? kind, JsonObject body, CancellationToken cancellationToken)
    {
        var parsed = Http.JsonBody.Bind<RegisterRequest>(body);
        var clientIp = request.HttpContext.Connection.RemoteIpAddress?.ToString();
        switch (kind ?? "user")
        {
            case "guest":
                return await RegisterGuestAsync(parsed, clientIp, cancellationToken);
            case "user":
                break;
            default:
                throw MatrixException.InvalidParam("kind must be 'user' or 'guest'.");
        }
        if (!config.EnableRegistration)
            throw MatrixException.Forbidden("Registration has been disabled.");

        // The spec wants username problems reported before authentication.
        if (parsed.Username is not null)
            await accounts.CheckAvailableAsync(parsed.Username, cancellationToken);
        if (parsed.Password is not null)
            AccountService.CheckPassword(parsed.Password);
        DeviceSessions.CheckDeviceId(parsed.DeviceId);

        var outcome = await uia.AuthenticateAsync(request, body, Flows, userId: null, cancellationToken);
        if (parsed.Password is null)
            throw MatrixException.MissingParam("password is required.");

        string userId;
        if (parsed.Username is not null)
        {
            userId = await accounts.CheckAvailableAsync(parsed.Username, cancellationToken);
            await accounts.CreateAsync(userId, parsed.Password, isGuest: false, admin: false, cancellationToken);
        }
        else
            userId = await accounts.CreateWithGeneratedIdAsync(parsed.Password, isGuest: false, cancellationToken);

        if (outcome.Completed.TryGetValue(AuthTypes.RegistrationToken, out var token))
            await registrationTokens.CompleteAsync(token, cancellationToken);
        await uia.FinishAsync(outcome, cancellationToken);

        if (parsed.InhibitLogin == true)
            return SessionResponse.WithoutLogin(userId, config.ServerName);
        var session = await sessions.StartAsync(userId, parsed.DeviceId, parsed.InitialDeviceDisplayName, parsed.RefreshToken == true,
            isGuest: false, clientIp, cancellationToken);
        return SessionResponse.From(session, config.ServerName);
    }

    private async Task<SessionResponse> RegisterGuestAsync(RegisterRequest parsed, string? clientIp, CancellationToken cancellationToken)
    {
        if (!config.AllowGuestAccess)
            throw MatrixException.Forbidden("Guest access is disabled.");
        // The spec has the server ignore everything but initial_device_display_name for guests.
        var userId = await accounts.CreateWithGeneratedIdAsync(password: null, isGuest: true, cancellationToken);
        var session = await sessions.StartAsync(userId, requestedDeviceId: null, parsed.InitialDeviceDisplayName, refreshable: false,
            isGuest: true, clientIp, cancellationToken);
        return SessionResponse.From(session, config.ServerName);
    }

    /// <summary>The fields of the registration body besides <c>auth</c>, which user-interactive authentication reads.</summary>
    private sealed record RegisterRequest(
        string? Username = null,
        string? Password = null,
        string? DeviceId = null,
        string? InitialDeviceDisplayName = null,
        bool? InhibitLogin = null,
        bool? RefreshToken = null);
}
