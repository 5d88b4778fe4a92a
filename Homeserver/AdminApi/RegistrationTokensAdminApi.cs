using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Http.Auth;
using Homeserver.Storage;
using Homeserver.Storage.Accounts;

namespace Homeserver.AdminApi;

/// <summary>
/// Synapse's admin API for registration tokens, <c>/_synapse/admin/v1/registration_tokens</c>: list, get, create,
/// change limits, delete. Server admins only.
/// </summary>
public static class RegistrationTokensAdminApi
{
    public const string Path = "/_synapse/admin/v1/registration_tokens";

    /// <summary>The spec's limit for registration tokens, and the characters Synapse allows in them.</summary>
    public const int MaxTokenLength = 64;
    private const string TokenCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-";
    private const string GeneratedCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static IEndpointRouteBuilder MapRegistrationTokensAdminApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Path).RequireMatrixAuth();
        group.MapGet("", ListAsync);
        group.MapPost("/new", CreateAsync);
        group.MapGet("/{token}", GetAsync);
        group.MapPut("/{token}", UpdateAsync);
        group.MapDelete("/{token}", DeleteAsync);
        return routes;
    }

    private static async Task<TokenListResponse> ListAsync(
        RequestUser user, ServerAdmins admins, IRegistrationTokenStore tokens, TimeProvider time, bool? valid, CancellationToken cancellationToken)
    {
        await admins.RequireAdminAsync(user, cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var all = await tokens.ListAsync(cancellationToken);
        return new TokenListResponse(all.Where(t => valid is null || t.IsValidAt(now) == valid).ToList());
    }

    private static async Task<RegistrationTokenRecord> GetAsync(
        RequestUser user, ServerAdmins admins, IRegistrationTokenStore tokens, string token, CancellationToken cancellationToken)
    {
        await admins.RequireAdminAsync(user, cancellationToken);
        return await tokens.FindAsync(token, cancellationToken) ?? throw NoSuchToken();
    }

    private static async Task<RegistrationTokenRecord> CreateAsync(
        HttpRequest request, RequestUser user, ServerAdmins admins, IRegistrationTokenStore tokens, TimeProvider time)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        await admins.RequireAdminAsync(user, cancellationToken);
        var body = JsonBody.Bind<CreateRequest>(await JsonBody.ReadObjectAsync(request));
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        CheckLimits(body.UsesAllowed, body.ExpiryTime, now);
        string token;
        if (body.Token is not null)
        {
            if (body.Length is not null)
                throw MatrixException.InvalidParam("Give token or length, not both.");
            if (body.Token.Length is 0 or > MaxTokenLength || body.Token.Any(c => !TokenCharacters.Contains(c)))
                throw MatrixException.InvalidParam($"token must be 1 to {MaxTokenLength} characters of A-Z, a-z, 0-9, '.', '_', '~' and '-'.");
            token = body.Token;
        }
        else
        {
            var length = body.Length ?? 16;
            if (length is < 1 or > MaxTokenLength)
                throw MatrixException.InvalidParam($"length must be 1 to {MaxTokenLength}.");
            token = RandomNumberGenerator.GetString(GeneratedCharacters, (int)length);
        }

        var record = new RegistrationTokenRecord(token, body.UsesAllowed, 0, 0, body.ExpiryTime);
        try
        {
            await tokens.CreateAsync(record, cancellationToken);
        }
        catch (StorageConflictException)
        {
            throw MatrixException.InvalidParam($"Token already exists: {token}");
        }
        return record;
    }

    private static async Task<RegistrationTokenRecord> UpdateAsync(
        HttpRequest request, RequestUser user, ServerAdmins admins, IRegistrationTokenStore tokens, TimeProvider time, string token)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        await admins.RequireAdminAsync(user, cancellationToken);
        var json = await JsonBody.ReadObjectAsync(request);
        var body = JsonBody.Bind<UpdateRequest>(json);
        var existing = await tokens.FindAsync(token, cancellationToken) ?? throw NoSuchToken();
        // A field left out keeps its value; null removes the limit.
        var usesAllowed = json.ContainsKey("uses_allowed") ? body.UsesAllowed : existing.UsesAllowed;
        var expiryTime = json.ContainsKey("expiry_time") ? body.ExpiryTime : existing.ExpiryTime;
        CheckLimits(usesAllowed, json.ContainsKey("expiry_time") ? expiryTime : null, time.GetUtcNow().ToUnixTimeMilliseconds());
        if (!await tokens.SetLimitsAsync(token, usesAllowed, expiryTime, cancellationToken))
            throw NoSuchToken();
        return existing with { UsesAllowed = usesAllowed, ExpiryTime = expiryTime };
    }

    private static async Task<JsonObject> DeleteAsync(
        RequestUser user, ServerAdmins admins, IRegistrationTokenStore tokens, string token, CancellationToken cancellationToken)
    {
        await admins.RequireAdminAsync(user, cancellationToken);
        if (!await tokens.DeleteAsync(token, cancellationToken))
            throw NoSuchToken();
        return new JsonObject();
    }

    private static void CheckLimits(long? usesAllowed, long? expiryTime, long now)
    {
        if (usesAllowed < 0)
            throw MatrixException.InvalidParam("uses_allowed must be a non-negative integer or null.");
        if (expiryTime is not null && expiryTime <= now)
            throw MatrixException.InvalidParam("expiry_time must not be in the past.");
    }

    private static MatrixException NoSuchToken() => MatrixException.NotFound("No such registration token.");

    public sealed record TokenListResponse(IReadOnlyList<RegistrationTokenRecord> RegistrationTokens);

    private sealed record CreateRequest(string? Token = null, long? UsesAllowed = null, long? ExpiryTime = null, long? Length = null);

    private sealed record UpdateRequest(long? UsesAllowed = null, long? ExpiryTime = null);
}
