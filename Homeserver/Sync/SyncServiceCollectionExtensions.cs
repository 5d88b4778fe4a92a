using Homeserver.Storage.Events;
using Homeserver.Storage.Receipts;
using Homeserver.Storage.UserData;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Homeserver.Sync;

public static class SyncServiceCollectionExtensions
{
    /// <summary>Sync and pagination; call after the storage and user data services are added.</summary>
    public static IServiceCollection AddSync(this IServiceCollection services)
    {
        services.AddSingleton<SyncWakeups>();
        services.AddSingleton<AccountDataStore>();
        services.Replace(ServiceDescriptor.Singleton<IAccountDataStore, NotifyingAccountDataStore>());
        services.AddSingleton<RoomTimelineReader>();
        services.AddSingleton<ClientEventWriter>();
        services.AddSingleton<RoomSyncBuilder>();
        services.AddSingleton<Storage.Streams.SyncStartReader>();
        services.AddSingleton<SyncService>();
        services.AddSingleton<TypingTracker>();
        services.AddSingleton<PresenceWakeups>();
        services.AddSingleton<PresenceTracker>();
        services.AddSingleton<SharedRooms>();
        services.AddSingleton<CurrentStateReader>();
        services.AddSingleton<IReceiptStore, ReceiptStore>();
        services.AddSingleton<ReceiptEvents>();
        services.AddSingleton<RoomMessagesService>();
        services.AddSingleton<EventContextService>();
        services.AddSingleton<RemoteInviteSync>();
        services.AddSingleton<Federation.Membership.IRemoteInviteListener, RemoteInviteWakeups>();
        return services;
    }
}
