using Homeserver.Storage.Push;
using Homeserver.Storage.UserData;

namespace Homeserver.UserData;

public static class UserDataServiceCollectionExtensions
{
    /// <summary>
    /// Registers the per-user data stores and services (profiles, filters, account data, tags, push rules).
    /// Needs the database (<c>AddHomeserverStorage</c>). Add <see cref="IProfileChangeListener"/>s separately.
    /// </summary>
    public static IServiceCollection AddUserData(this IServiceCollection services)
    {
        services.AddSingleton<IProfileStore, ProfileStore>();
        services.AddSingleton<IFilterStore, FilterStore>();
        services.AddSingleton<IAccountDataStore, AccountDataStore>();
        services.AddSingleton<IPushRuleOverrideStore, PushRuleOverrideStore>();
        services.AddSingleton<IPushRuleStore, PushRuleStore>();
        services.AddSingleton<ProfileService>();
        services.AddSingleton<PushRuleSets>();
        return services;
    }
}
