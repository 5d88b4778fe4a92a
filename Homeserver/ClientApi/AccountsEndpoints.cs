using Homeserver.AdminApi;

namespace Homeserver.ClientApi;

public static class AccountsEndpoints
{
    /// <summary>
    /// Maps registration, login and logout, account management, devices, whois, and the admin APIs for
    /// shared-secret registration and registration tokens.
    /// </summary>
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder routes) =>
        routes.MapRegistrationApi().MapLoginApi().MapAccountManagementApi().MapDevicesApi().MapWhoisApi()
            .MapSharedSecretRegistrationApi().MapRegistrationTokensAdminApi();
}
