using Homeserver.Storage.Accounts;

namespace Homeserver.Accounts;

public static class AccountServiceCollectionExtensions
{
    /// <summary>Registers the account services: passwords, devices and tokens, user-interactive auth, registration, login.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        // Every authenticated request looks its token up: found tokens are kept in memory.
        services.AddSingleton<AccessTokenStore>();
        services.AddSingleton<IAccessTokenStore, CachedAccessTokenStore>();
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<LocalUsers>();
        services.AddSingleton<OpenIdTokens>();
        services.AddSingleton<DeviceSessions>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<UserInteractiveAuth>();
        services.AddSingleton<RegistrationService>();
        services.AddSingleton<LoginService>();
        services.AddSingleton<RegistrationNonces>();
        services.AddSingleton<SharedSecretRegistration>();
        services.AddSingleton<AdminApi.ServerAdmins>();
        return services;
    }
}
