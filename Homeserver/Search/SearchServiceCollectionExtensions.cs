using Homeserver.Storage.Search;

namespace Homeserver.Search;

public static class SearchServiceCollectionExtensions
{
    /// <summary>Server-side search: the index store, the background indexer and the search service. Call after the room and sync services.</summary>
    public static IServiceCollection AddSearch(this IServiceCollection services)
    {
        services.AddSingleton<IEventSearchStore, EventSearchStore>();
        services.AddSingleton<SearchIndexProgress>();
        services.AddSingleton<RoomEventSearch>();
        services.AddHostedService<SearchIndexer>();
        return services;
    }
}
