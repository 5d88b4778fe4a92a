using Homeserver.Storage.Events;
using Homeserver.UserData;

namespace Homeserver.Rooms;

public static class RoomServiceCollectionExtensions
{
    /// <summary>The room services of the Client-Server API (needs the storage and the room event pipeline).</summary>
    public static IServiceCollection AddRooms(this IServiceCollection services)
    {
        services.AddSingleton<RoomEventSender>();
        services.AddSingleton<RoomStateReader>();
        services.AddSingleton<HistoryVisibility>();
        services.AddSingleton<RedactionFinder>();
        services.AddSingleton<RoomReads>();
        services.AddSingleton<RoomDirectory>();
        services.AddSingleton<RoomSummaryBuilder>();
        services.AddSingleton<PublishedRoomsDirectory>();
        services.AddSingleton<RoomCreation>();
        services.AddSingleton<RoomMembership>();
        services.AddSingleton<RemoteInvites>();
        services.AddSingleton<RoomUpgrade>();
        services.AddSingleton<EventByTimestamp>();
        services.AddSingleton<IProfileChangeListener, RoomProfileUpdater>();
        return services;
    }
}
