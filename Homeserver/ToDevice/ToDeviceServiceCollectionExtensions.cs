using Homeserver.Storage.ToDevice;
using Homeserver.Sync;

namespace Homeserver.ToDevice;

public static class ToDeviceServiceCollectionExtensions
{
    /// <summary>To-device messaging: the inbox store, the sender and the to-device stream of <c>/sync</c>.</summary>
    public static IServiceCollection AddToDevice(this IServiceCollection services)
    {
        services.AddSingleton<IToDeviceStore, ToDeviceStore>();
        services.AddSingleton<ToDeviceSender>();
        services.AddSingleton<IToDeviceSync, ToDeviceInbox>();
        services.AddSingleton<Accounts.IDeviceChangeListener, ToDeviceInboxCleanup>();
        return services;
    }
}
