using System.Security.Cryptography;
using System.Text;
using Homeserver.Federation.Http;
using Homeserver.Storage.Accounts;
using Microsoft.Extensions.Primitives;

namespace Homeserver.Http.Auth;

/// <summary>
/// The single place that turns an access token into a <see cref="RequestUser"/>: reads it from
/// <c>Authorization: Bearer</c> or the deprecated <c>access_token</c> query parameter, looks up its
/// SHA-256 hash, and checks expiry.
/// </summary>
public sealed class AccessTokenAuthenticator(IAccessTokenStore tokens, TimeProvider time)
{
    public const string QueryParameter = "access_token";

    public async Task<RequestUser> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var token = ReadToken(request) ?? throw MatrixException.MissingToken();
        var record = await tokens.FindByTokenHashAsync(HashToken(token), cancellationToken)
            ?? throw MatrixException.UnknownToken();
        // The spec prefers soft_logout for expired tokens: the client may refresh or log in again on the same device.
        if (record.ExpiresAtMs is { } expiresAtMs && time.GetUtcNow().ToUnixTimeMilliseconds() >= expiresAtMs)
            throw MatrixException.UnknownToken(softLogout: true, message: "Access token has expired.");
        return new RequestUser(record.UserId, record.DeviceId, record.IsGuest);
    }

    /// <summary>
    /// For endpoints where authentication is optional: the user when the request carries an access token (which must
    /// then be valid), null when it carries none.
    /// </summary>
    public async Task<RequestUser?> AuthenticateIfPresentAsync(HttpRequest request, CancellationToken cancellationToken) =>
        ReadToken(request) is null ? null : await AuthenticateAsync(request, cancellationToken);

    /// <summary>The hash under which a token is stored; the token itself is never stored.</summary>
    public static byte[] HashToken(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string? ReadToken(HttpRequest request)
    {
        var fromHeader = ReadBearer(request.Headers.Authorization);
        var query = request.Query[QueryParameter];
        if (query.Count > 1)
            throw MatrixException.InvalidParam("More than one access_token query parameter.");
        var fromQuery = query.Count == 1 && !string.IsNullOrEmpty(query[0]) ? query[0] : null;
        if (fromHeader is not null && fromQuery is not null)
            throw MatrixException.InvalidParam("Access token given both in the Authorization header and the query string.");
        return fromHeader ?? fromQuery;
    }

    private static string? ReadBearer(StringValues authorization)
    {
        if (authorization.Count == 0)
            return null;
        if (authorization.Count > 1)
            throw MatrixException.InvalidParam("More than one Authorization header.");
        const string scheme = "Bearer ";
        var value = authorization[0]!;
        // Other schemes (X-Matrix is for federation) carry no client access token.
        if (!value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return null;
        var token = value[scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }
}
