using Homeserver.Federation.Transport;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Homeserver.FederationApi.Edus;

public static class EduServiceCollectionExtensions
{
    /// <summary>
    /// The inbound EDU handlers (typing, receipts, presence, device lists, cross-signing keys, to-device) and the
    /// outbound EDU outbox; needs sync, to-device and E2EE keys.
    /// </summary>
    public static IServiceCollection AddFederationEdus(this IServiceCollection services)
    {
        services.TryAddSingleton<EduOutbox>();
        services.TryAddSingleton<Sync.IPresencePublisher, PresencePublisher>();
        services.AddSingleton<IEduHandler, TypingEduHandler>();
        services.AddSingleton<IEduHandler, ReceiptEduHandler>();
        services.AddSingleton<IEduHandler, PresenceEduHandler>();
        services.AddSingleton<IEduHandler, DeviceListUpdateEduHandler>();
        services.AddSingleton<IEduHandler, SigningKeyUpdateEduHandler>();
        services.AddSingleton<IEduHandler, DirectToDeviceEduHandler>();
        return services;
    }
}
