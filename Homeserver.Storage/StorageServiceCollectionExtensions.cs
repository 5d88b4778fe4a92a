using Homeserver.Storage.Accounts;
using Homeserver.Storage.Database;
using Homeserver.Storage.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Homeserver.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers an opened database (see <see cref="HomeserverStorage.OpenAsync"/>) and the stores
    /// built on it. The caller owns and disposes the database.
    /// </summary>
    public static IServiceCollection AddHomeserverStorage(this IServiceCollection services, IDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        services.AddSingleton(database);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IAccessTokenStore, AccessTokenStore>();
        services.AddSingleton<IRoomEventStore, RoomEventStore>();
        return services;
    }
}
