using Homeserver.Http.Auth;
using Homeserver.Storage.Accounts;

namespace Homeserver.Accounts;

/// <summary>
/// OpenID tokens (<c>/user/{userId}/openid/request_token</c>): a user hands one to a third-party service, which asks
/// this server's federation API (<c>/openid/userinfo</c>) whose it is. Stored hashed; valid for an hour.
/// </summary>
public sealed class OpenIdTokens(IOpenIdTokenStore store, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>A new token for the user and its lifetime in seconds.</summary>
    public async Task<(string Token, long ExpiresInSeconds)> IssueAsync(string userId, CancellationToken cancellationToken)
    {
        var token = TokenGenerator.NewOpenIdToken();
        var expires = time.GetUtcNow() + Lifetime;
        await store.AddAsync(AccessTokenAuthenticator.HashToken(token), userId, expires.ToUnixTimeMilliseconds(), cancellationToken);
        return (token, (long)Lifetime.TotalSeconds);
    }

    /// <summary>The user of a token that has not expired, or null.</summary>
    public Task<string?> FindUserAsync(string token, CancellationToken cancellationToken) =>
        store.FindUserAsync(AccessTokenAuthenticator.HashToken(token), time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
}
