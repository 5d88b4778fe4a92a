using Homeserver.Accounts;
using Homeserver.Http;
using Homeserver.Http.Auth;

namespace Homeserver.ClientApi;

/// <summary>Account management behind user-interactive authentication: password change and deactivation.</summary>
public static class AccountManagementApi
{
    /// <summary>Both need the account's password.</summary>
    private static readonly IReadOnlyList<IReadOnlyList<string>> PasswordFlows = [[AuthTypes.Password]];

    public static IEndpointRouteBuilder MapAccountManagementApi(this IEndpointRouteBuilder routes)
    {
        routes.MapV3WithR0(group =>
        {
            group.MapPost("/account/password", ChangePasswordAsync).RequireMatrixAuth();
            group.MapPost("/account/deactivate", DeactivateAsync).RequireMatrixAuth();
        });
        return routes;
    }

    private static async Task<EmptyResponse> ChangePasswordAsync(
        HttpRequest request, RequestUser user, UserInteractiveAuth uia, AccountService accounts, DeviceSessions sessions)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var body = await JsonBody.ReadObjectAsync(request);
        var parsed = JsonBody.Bind<PasswordRequest>(body);
        AccountService.CheckPassword(parsed.NewPassword);
        var outcome = await uia.AuthenticateAsync(request, body, PasswordFlows, user.UserId, cancellationToken);
        await accounts.ChangePasswordAsync(user.UserId, parsed.NewPassword, cancellationToken);
        // The spec's default is to log out every other device; the requesting one stays signed in.
        if (parsed.LogoutDevices ?? true)
            await sessions.DeleteAllDevicesAsync(user.UserId, keepDeviceId: user.DeviceId, cancellationToken);
        await uia.FinishAsync(outcome, cancellationToken);
        return EmptyResponse.Instance;
    }

    private static async Task<DeactivateResponse> DeactivateAsync(
        HttpRequest request, RequestUser user, UserInteractiveAuth uia, AccountService accounts)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var body = await JsonBody.ReadObjectAsync(request);
        JsonBody.Bind<DeactivateRequest>(body);
        var outcome = await uia.AuthenticateAsync(request, body, PasswordFlows, user.UserId, cancellationToken);
        await accounts.DeactivateAsync(user.UserId, cancellationToken);
        await uia.FinishAsync(outcome, cancellationToken);
        // No third-party identifiers are bound through this server, so there is nothing to unbind.
        return new DeactivateResponse("no-support");
    }

    private sealed record PasswordRequest(string NewPassword, bool? LogoutDevices = null);

    /// <summary>Checked for shape only: this server keeps no identity server bindings and erases nothing more.</summary>
    private sealed record DeactivateRequest(string? IdServer = null, bool? Erase = null);

    public sealed record DeactivateResponse(string IdServerUnbindResult);
}
