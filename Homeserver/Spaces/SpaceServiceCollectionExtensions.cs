namespace Homeserver.Spaces;

public static class SpaceServiceCollectionExtensions
{
    /// <summary>Room summaries and the space hierarchy (needs <c>AddRooms</c>).</summary>
    public static IServiceCollection AddSpaces(this IServiceCollection services)
    {
        services.AddSingleton<RoomSummaries>();
        services.AddSingleton<SpaceHierarchy>();
        return services;
    }
}
