using Homeserver.Storage.KeyBackup;

namespace Homeserver.KeyBackup;

public static class KeyBackupServiceCollectionExtensions
{
    /// <summary>Server-side room key backups: the store and the service behind <c>/room_keys</c>.</summary>
    public static IServiceCollection AddKeyBackup(this IServiceCollection services)
    {
        services.AddSingleton<IKeyBackupStore, KeyBackupStore>();
        services.AddSingleton<KeyBackupService>();
        return services;
    }
}
