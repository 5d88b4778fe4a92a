using Homeserver.Federation.Rooms;

namespace Homeserver.FederationQueries;

public static class FederationQueriesServiceCollectionExtensions
{
    /// <summary>
    /// Registers what local clients need from other servers (remote aliases, profiles, room directories) and the
    /// room server ACLs the federation endpoints check. The <c>IFederationClient</c> is registered elsewhere.
    /// </summary>
    public static IServiceCollection AddFederationQueries(this IServiceCollection services)
    {
        services.AddSingleton<RemoteQueryClient>();
        services.AddSingleton<RemoteRoomAliases>();
        services.AddSingleton<RemoteProfiles>();
        services.AddSingleton<RemotePublicRooms>();
        services.AddSingleton<RoomServerAcl>();
        return services;
    }
}
