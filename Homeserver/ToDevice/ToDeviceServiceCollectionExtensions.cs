using Homeserver.Storage.ToDevice;
using Homeserver.Sync;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Homeserver.ToDevice;

public static class ToDeviceServiceCollectionExtensions
{
    /// <summary>To-device messaging: the inbox store, the sender and the to-device stream of <c>/sync</c>.</summary>
    public static IServiceCollection AddToDevice(this IServiceCollection services)
    {
        services.AddSingleton<IToDeviceStore, ToDeviceStore>();
        services.TryAddSingleton<FederationApi.Edus.EduOutbox>();
        services.AddSingleton<ToDeviceSender>();
        services.AddSingleton<IToDeviceSync, ToDeviceInbox>();
        services.AddSingleton<Accounts.IDeviceChangeListener, ToDeviceInboxCleanup>();
        return services;
    }
}
