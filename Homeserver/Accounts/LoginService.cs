using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Http.RateLimiting;

namespace Homeserver.Accounts;

/// <summary><c>POST /login</c> with <c>m.login.password</c>, limited per client address (by the endpoint), per account and per failed attempt.</summary>
public sealed class LoginService(
    HomeserverConfig config, AccountService accounts, LocalUsers localUsers, DeviceSessions sessions, RequestRateLimiter limiter, ILogger<LoginService> logger)
{
    /// <summary>The login types offered by <c>GET /login</c>.</summary>
    public static IReadOnlyList<string> LoginTypes { get; } = [AuthTypes.Password];

    public async Task<SessionResponse> LoginAsync(JsonObject body, string? clientIp, CancellationToken cancellationToken)
    {
        var parsed = Http.JsonBody.Bind<LoginRequest>(body);
        if (parsed.Type != AuthTypes.Password)
            throw new MatrixException(400, ErrorCodes.Unknown, "Unknown login type.");
        var user = LoginIdentifier.ReadUser(body);
        var password = parsed.Password ?? throw MatrixException.MissingParam("password is required.");
        DeviceSessions.CheckDeviceId(parsed.DeviceId);

        // Buckets are keyed by the resolved user id, so "alice" and "@Alice:server" share one.
        var accountKey = "user:" + (localUsers.ResolveLogin(user) ?? user);
        limiter.Acquire(RateLimitPolicies.LoginAccount, accountKey);
        var account = await accounts.CheckPasswordAsync(user, password, cancellationToken);
        if (account is null)
        {
            AccountLog.LoginFailed(logger, accountKey);
            limiter.Acquire(RateLimitPolicies.LoginFailedAttempts, accountKey);
            throw MatrixException.Forbidden("Invalid username or password.");
        }

        var session = await sessions.StartAsync(account.UserId, parsed.DeviceId, parsed.InitialDeviceDisplayName, parsed.RefreshToken == true,
            account.IsGuest, clientIp, cancellationToken);
        return SessionResponse.From(session, config.ServerName);
    }

    /// <summary>The login body's typed fields; <c>identifier</c> and <c>user</c> are read by <see cref="LoginIdentifier"/>.</summary>
    private sealed record LoginRequest(
        string Type,
        string? Password = null,
        string? DeviceId = null,
        string? InitialDeviceDisplayName = null,
        bool? RefreshToken = null);
}
