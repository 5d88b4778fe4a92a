namespace Homeserver.Relations;

public static class RelationsServiceCollectionExtensions
{
    /// <summary>Relations, threads and bundled aggregations; call after the room and storage services are added.</summary>
    public static IServiceCollection AddRelations(this IServiceCollection services)
    {
        services.AddSingleton<BundledAggregations>();
        services.AddSingleton<RelationsService>();
        services.AddSingleton<ThreadChecks>();
        return services;
    }
}
