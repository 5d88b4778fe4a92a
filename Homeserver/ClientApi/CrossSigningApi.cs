using System.Text.Json.Nodes;
using Homeserver.Accounts;
using Homeserver.E2ee;
using Homeserver.Http;
using Homeserver.Http.Auth;

namespace Homeserver.ClientApi;

/// <summary>Cross-signing: upload of the master, self-signing and user-signing keys, and of signatures.</summary>
public static class CrossSigningApi
{
    private static readonly IReadOnlyList<IReadOnlyList<string>> ReplaceFlows = [[AuthTypes.Password]];

    public static IEndpointRouteBuilder MapCrossSigningApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapPost("/keys/device_signing/upload", UploadKeysAsync).RequireMatrixAuth();
            group.MapPost("/keys/signatures/upload", UploadSignaturesAsync).RequireMatrixAuth();
        });
        return routes;
    }

    /// <summary>
    /// The first keys of a user, and a repeat of the stored ones, need no user-interactive authentication;
    /// replacing keys of a user who has a master key does (spec, changed in v1.11).
    /// </summary>
    private static async Task<JsonObject> UploadKeysAsync(HttpRequest request, RequestUser user, CrossSigningService crossSigning,
        UserInteractiveAuth uia)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var body = await JsonBody.ReadObjectAsync(request);
        var upload = await crossSigning.PrepareAsync(user.UserId, body, cancellationToken);
        if (!upload.RequiresAuthentication)
        {
            await crossSigning.StoreAsync(upload, cancellationToken);
            return new JsonObject();
        }
        var outcome = await uia.AuthenticateAsync(request, body, ReplaceFlows, user.UserId, cancellationToken);
        await crossSigning.StoreAsync(upload, cancellationToken);
        await uia.FinishAsync(outcome, cancellationToken);
        return new JsonObject();
    }

    private static async Task<JsonObject> UploadSignaturesAsync(HttpRequest request, RequestUser user, SignatureUploadService signatures) =>
        await signatures.UploadAsync(user.UserId, await JsonBody.ReadObjectAsync(request), request.HttpContext.RequestAborted);
}
