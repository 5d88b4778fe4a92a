using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Homeserver.Federation.Rooms;

public static class RoomPipelineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the room event pipeline and what it needs besides the store and the
    /// <see cref="ServerIdentity"/> (registered by the host): an in-process notifier, and server keys
    /// from a fixed (empty) table until federation registers its own <see cref="IServerKeys"/>.
    /// </summary>
    public static IServiceCollection AddRoomEventPipeline(this IServiceCollection services, Action<RoomEventPipelineOptions>? configure = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IServerKeys>(_ => new FixedServerKeys());
        services.TryAddSingleton<IRoomEventNotifier, InProcessRoomEventNotifier>();
        services.TryAddSingleton(_ =>
        {
            var options = new RoomEventPipelineOptions();
            configure?.Invoke(options);
            return options;
        });
        services.TryAddSingleton(sp => new PduCache(sp.GetRequiredService<RoomEventPipelineOptions>().PduCacheSize));
        services.TryAddSingleton<LocalEventBuilder>();
        services.TryAddSingleton<RoomServers>();
        services.TryAddSingleton<RoomServerAcl>();
        services.TryAddSingleton<RoomEventPipeline>();
        return services;
    }
}
