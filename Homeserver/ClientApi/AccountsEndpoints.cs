using Homeserver.AdminApi;

namespace Homeserver.ClientApi;

public static class AccountsEndpoints
{
    /// <summary>Maps registration, login and logout, account management, devices and shared-secret registration.</summary>
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder routes) =>
        routes.MapRegistrationApi().MapLoginApi().MapAccountManagementApi().MapDevicesApi().MapSharedSecretRegistrationApi();
}
