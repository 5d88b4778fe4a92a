using Homeserver.Storage.Push;
using Homeserver.Sync;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Homeserver.Notifications;

public static class NotificationsServiceCollectionExtensions
{
    /// <summary>
    /// Push evaluation of committed room events, notification counts for sync, and pushing to gateways.
    /// Call after the storage, user data and sync services are added.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddSingleton<INotificationStore, NotificationStore>();
        services.AddSingleton<PusherStore>();
        services.AddSingleton<IPusherStore, CachedPusherStore>();
        services.TryAddSingleton(new PushDeliveryOptions());
        services.AddSingleton<PushEvaluationProgress>();
        services.AddSingleton<UnreadNotificationCounts>();
        services.AddSingleton<IUnreadNotificationCounts>(provider => provider.GetRequiredService<UnreadNotificationCounts>());
        services.AddSingleton<RoomEventPushProcessor>();
        services.AddSingleton<PushGatewaySender>();
        // A gateway answers with a small JSON object; anything much larger is cut off.
        services.AddHttpClient(PushGatewaySender.HttpClientName, client => client.MaxResponseContentBufferSize = PushGatewaySender.MaxResponseBytes);
        services.AddSingleton<PushDeliveryQueue>();
        services.AddHostedService(provider => provider.GetRequiredService<PushDeliveryQueue>());
        services.AddHostedService<PushEvaluationQueue>();
        return services;
    }
}
