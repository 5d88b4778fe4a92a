using Homeserver.Federation.Rooms;
using Homeserver.Federation.Transport;
using Homeserver.Storage.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.History;

public static class HistoryServiceCollectionExtensions
{
    /// <summary>Serving room history to other servers, and backfilling it from them.</summary>
    public static IServiceCollection AddFederationHistory(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StoredPduLoader>();
        services.TryAddSingleton<ServerHistoryVisibility>();
        services.TryAddSingleton<HistoryService>();
        // The federation client is optional: without one there is no server to backfill from.
        services.TryAddSingleton(sp => new RoomBackfiller(sp.GetRequiredService<IRoomBackfillStore>(), sp.GetRequiredService<IRoomEventStore>(),
            sp.GetRequiredService<RoomServers>(), sp.GetRequiredService<RoomEventPipeline>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RoomBackfiller>>(),
            sp.GetService<IFederationClient>()));
        return services;
    }
}
