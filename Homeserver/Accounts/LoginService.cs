using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Http.Auth;
using Homeserver.Http.RateLimiting;
using Homeserver.Storage.Accounts;

namespace Homeserver.Accounts;

/// <summary>
/// <c>POST /login</c> with <c>m.login.password</c> (limited per client address by the endpoint, per account and per failed
/// attempt) or with a single-use <c>m.login.token</c> from <c>POST /login/get_token</c>.
/// </summary>
public sealed class LoginService(
    HomeserverConfig config,
    AccountService accounts,
    LocalUsers localUsers,
    DeviceSessions sessions,
    ILoginTokenStore loginTokens,
    IUserStore users,
    RequestRateLimiter limiter,
    TimeProvider time,
    ILogger<LoginService> logger)
{
    /// <summary>How long a login token from <c>/login/get_token</c> stays valid (the spec's recommendation).</summary>
    public static readonly TimeSpan LoginTokenLifetime = TimeSpan.FromMinutes(2);

    /// <summary>The login types offered by <c>GET /login</c>.</summary>
    public static IReadOnlyList<string> LoginTypes { get; } = [AuthTypes.Password, AuthTypes.Token];

    public async Task<SessionResponse> LoginAsync(JsonObject body, string? clientIp, CancellationToken cancellationToken)
    {
        var parsed = Http.JsonBody.Bind<LoginRequest>(body);
        DeviceSessions.CheckDeviceId(parsed.DeviceId);
        var account = parsed.Type switch
        {
            AuthTypes.Password => await CheckPasswordLoginAsync(body, parsed, cancellationToken),
            AuthTypes.Token => await CheckTokenLoginAsync(parsed, cancellationToken),
            _ => throw new MatrixException(400, ErrorCodes.Unknown, "Unknown login type."),
        };
        var session = await sessions.StartAsync(account.UserId, parsed.DeviceId, parsed.InitialDeviceDisplayName, parsed.RefreshToken == true,
            account.IsGuest, clientIp, cancellationToken);
        return SessionResponse.From(session, config.ServerName);
    }

    /// <summary>A new login token for the user, valid for <see cref="LoginTokenLifetime"/>; returns it and its lifetime in ms.</summary>
    public async Task<(string Token, long ExpiresInMs)> CreateLoginTokenAsync(string userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await loginTokens.DeleteExpiredAsync(now, cancellationToken);
        var token = TokenGenerator.NewLoginToken();
        var lifetime = (long)LoginTokenLifetime.TotalMilliseconds;
        await loginTokens.AddAsync(AccessTokenAuthenticator.HashToken(token), userId, now + lifetime, cancellationToken);
        return (token, lifetime);
    }

    private async Task<UserRecord> CheckTokenLoginAsync(LoginRequest parsed, CancellationToken cancellationToken)
    {
        var token = parsed.Token ?? throw MatrixException.MissingParam("token is required.");
        var userId = await loginTokens.TakeAsync(AccessTokenAuthenticator.HashToken(token), time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        var account = userId is null ? null : await users.FindAsync(userId, cancellationToken);
        return account is { Deactivated: false } ? account : throw MatrixException.Forbidden("Invalid or expired login token.");
    }

    private async Task<UserRecord> CheckPasswordLoginAsync(JsonObject body, LoginRequest parsed, CancellationToken cancellationToken)
    {
        var user = LoginIdentifier.ReadUser(body);
        var password = parsed.Password ?? throw MatrixException.MissingParam("password is required.");

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
        return account;
    }

    /// <summary>The login body's typed fields; <c>identifier</c> and <c>user</c> are read by <see cref="LoginIdentifier"/>.</summary>
    private sealed record LoginRequest(
        string Type,
        string? Password = null,
        string? Token = null,
        string? DeviceId = null,
        string? InitialDeviceDisplayName = null,
        bool? RefreshToken = null);
}
