using Homeserver.Storage.Accounts;
using Homeserver.Storage.Database;
using Homeserver.Storage.Events;
using Homeserver.Storage.RoomAliases;
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
        services.AddSingleton<IUserStore, UserStore>();
        services.AddSingleton<IDeviceStore, DeviceStore>();
        services.AddSingleton<IRefreshTokenStore, RefreshTokenStore>();
        services.AddSingleton<IUiaSessionStore, UiaSessionStore>();
        services.AddSingleton<IRegistrationTokenStore, RegistrationTokenStore>();
        services.AddSingleton<ILoginTokenStore, LoginTokenStore>();
        services.AddSingleton<IRoomAliasStore, RoomAliasStore>();
        services.AddSingleton<PublishedRooms.IPublishedRoomStore, PublishedRooms.PublishedRoomStore>();
        services.AddSingleton<Moderation.IContentReportStore, Moderation.ContentReportStore>();
        services.AddSingleton<IOpenIdTokenStore, OpenIdTokenStore>();
        services.AddSingleton<UserDirectory.IUserDirectoryStore, UserDirectory.UserDirectoryStore>();
        services.AddSingleton<RoomEventStore>();
        // The room, read and timeline queries are one store (partial classes) sharing its caches.
        services.AddSingleton<IRoomEventStore>(provider => provider.GetRequiredService<RoomEventStore>());
        services.AddSingleton<IRoomReadStore>(provider => provider.GetRequiredService<RoomEventStore>());
        services.AddSingleton<IRoomTimelineStore>(provider => provider.GetRequiredService<RoomEventStore>());
        services.AddSingleton<IRoomRelationStore>(provider => provider.GetRequiredService<RoomEventStore>());
        services.AddSingleton<IRoomBackfillStore>(provider => provider.GetRequiredService<RoomEventStore>());
        return services;
    }
}
