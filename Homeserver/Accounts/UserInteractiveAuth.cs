using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.RateLimiting;
using Homeserver.Storage.Accounts;

namespace Homeserver.Accounts;

/// <summary>
/// User-interactive authentication (spec: "User-Interactive Authentication API"), one implementation for
/// registration, password change, deactivation and device deletion. An endpoint passes its request body and
/// the flows it accepts; this either returns the completed authentication or throws the 401 challenge
/// (<see cref="UiaChallengeException"/>). Sessions are stored in the database, so a client may continue one
/// on any homeserver process sharing it; each is bound to one request (method and path) and one user.
/// </summary>
public sealed partial class UserInteractiveAuth(
    IUiaSessionStore sessions, AccountService accounts, IRegistrationTokenStore registrationTokens, RequestRateLimiter limiter, TimeProvider time)
{
    /// <summary>How long a client has to finish the stages of one request.</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(1);

    [GeneratedRegex("^/_matrix/client/[^/]+")]
    private static partial Regex VersionPrefix();

    /// <summary>
    /// Authenticates the request described by <paramref name="body"/>'s <c>auth</c> against <paramref name="flows"/>.
    /// </summary>
    /// <param name="userId">The authenticated requester, whose password <c>m.login.password</c> must prove; null for registration.</param>
    public async Task<UiaOutcome> AuthenticateAsync(
        HttpRequest request, JsonObject body, IReadOnlyList<IReadOnlyList<string>> flows, string? userId, CancellationToken cancellationToken)
    {
        var requestKey = $"{request.Method} {VersionPrefix().Replace(request.Path.Value ?? "", "")}";
        var authNode = body["auth"];
        if (authNode is null)
        {
            // Even a flow of only m.login.dummy needs one request with auth data (spec): challenge first.
            var fresh = await StartSessionAsync(requestKey, userId, cancellationToken);
            throw Challenge(flows, fresh.SessionId, fresh.CompletedStages, error: null);
        }
        if (authNode is not JsonObject auth)
            throw MatrixException.BadJson("auth must be an object.");

        var session = await FindSessionAsync(LoginIdentifier.ReadString(auth, "session"), requestKey, userId, cancellationToken);
        var completed = new Dictionary<string, string>(session.CompletedStages);
        var type = LoginIdentifier.ReadString(auth, "type");
        // A completed stage cannot be retried: its repetition just reports the session's state.
        if (type is not null && !completed.ContainsKey(type))
        {
            if (!flows.Any(flow => flow.Contains(type)))
                throw new MatrixException(400, ErrorCodes.Unrecognized, $"Authentication type {type} is not offered for this request.");
            var (result, error) = await RunStageAsync(type, auth, userId, cancellationToken);
            if (error is not null)
                throw Challenge(flows, session.SessionId, completed, error);
            completed[type] = result!;
            await sessions.SetCompletedStagesAsync(session.SessionId, completed, cancellationToken);
        }

        if (flows.Any(flow => flow.All(completed.ContainsKey)))
            return new UiaOutcome(session.SessionId, completed);
        throw Challenge(flows, session.SessionId, completed, error: null);
    }

    /// <summary>Ends the session after the authenticated request succeeded, so it cannot authenticate another.</summary>
    public Task FinishAsync(UiaOutcome outcome, CancellationToken cancellationToken) =>
        sessions.DeleteAsync(outcome.SessionId, cancellationToken);

    private async Task<UiaSessionRecord> StartSessionAsync(string requestKey, string? userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // Expired sessions go here rather than in a background job; a registration token they reserved is given back.
        foreach (var expired in await sessions.DeleteExpiredAsync(now, cancellationToken))
        {
            if (expired.CompletedStages.TryGetValue(AuthTypes.RegistrationToken, out var token))
                await registrationTokens.ReleaseAsync(token, cancellationToken);
        }
        var session = new UiaSessionRecord(TokenGenerator.NewSessionId(), requestKey, userId, new Dictionary<string, string>(), now,
            now + (long)SessionLifetime.TotalMilliseconds);
        await sessions.CreateAsync(session, cancellationToken);
        return session;
    }

    private async Task<UiaSessionRecord> FindSessionAsync(string? sessionId, string requestKey, string? userId, CancellationToken cancellationToken)
    {
        // A first request may carry auth without a session (matrix-nio sends m.login.dummy so): start one.
        if (sessionId is null)
            return await StartSessionAsync(requestKey, userId, cancellationToken);
        var session = await sessions.FindAsync(sessionId, cancellationToken);
        if (session is null || session.ExpiresTs <= time.GetUtcNow().ToUnixTimeMilliseconds())
            throw MatrixException.InvalidParam("Unknown or expired authentication session.");
        if (session.RequestKey != requestKey || session.UserId != userId)
            throw MatrixException.Forbidden("The authentication session was started for a different request.");
        return session;
    }

    private async Task<(string? Result, MatrixException? Error)> RunStageAsync(
        string type, JsonObject auth, string? userId, CancellationToken cancellationToken)
    {
        switch (type)
        {
            case AuthTypes.Dummy:
                return ("", null);
            case AuthTypes.Password:
            {
                var user = LoginIdentifier.ReadUser(auth);
                var password = LoginIdentifier.ReadString(auth, "password") ?? throw MatrixException.MissingParam("password is required.");
                var account = await accounts.CheckPasswordAsync(user, password, cancellationToken);
                if (account is not null && account.UserId == userId)
                    return (account.UserId, null);
                // Failures count against the same limit as failed logins, so a stolen access token cannot guess the password.
                limiter.Acquire(RateLimitPolicies.LoginFailedAttempts, "user:" + userId);
                return (null, MatrixException.Forbidden("Invalid password."));
            }
            case AuthTypes.RegistrationToken:
            {
                var token = LoginIdentifier.ReadString(auth, "token") ?? throw MatrixException.MissingParam("token is required.");
                // Counted as pending now, so concurrent registrations cannot use a token beyond uses_allowed.
                var reserved = await registrationTokens.TryReserveAsync(token, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
                return reserved ? (token, null) : (null, new MatrixException(401, ErrorCodes.Unauthorized, "Invalid registration token."));
            }
            default:
                throw new MatrixException(400, ErrorCodes.Unrecognized, $"Authentication type {type} is not supported.");
        }
    }

    private static UiaChallengeException Challenge(
        IReadOnlyList<IReadOnlyList<string>> flows, string sessionId, IReadOnlyDictionary<string, string> completed, MatrixException? error)
    {
        var body = new JsonObject();
        if (error is not null)
        {
            body["errcode"] = error.ErrorCode;
            body["error"] = error.Message;
        }
        if (completed.Count > 0)
            body["completed"] = new JsonArray(completed.Keys.Select(k => (JsonNode?)JsonValue.Create(k)).ToArray());
        body["flows"] = new JsonArray(flows.Select(flow =>
            (JsonNode?)new JsonObject { ["stages"] = new JsonArray(flow.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()) }).ToArray());
        body["params"] = new JsonObject();
        body["session"] = sessionId;
        return new UiaChallengeException(body);
    }
}
