using Homeserver.Federation.Receiving;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Transport;
using Homeserver.Storage.Events;
using Homeserver.Storage.Federation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.Sending;

public static class FederationSendingServiceCollectionExtensions
{
    /// <summary>
    /// Registers federation transactions in both directions: the <see cref="FederationSender"/> as the
    /// <see cref="IFederationSender"/> (run by a hosted service), the <see cref="TransactionReceiver"/> for
    /// inbound <c>/send</c>, and their stores. The sender uses the registered <see cref="IFederationClient"/>;
    /// without one it stays idle.
    /// </summary>
    public static IServiceCollection AddFederationSending(this IServiceCollection services, Action<FederationSenderOptions>? configure = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IFederationOutboxStore, FederationOutboxStore>();
        services.TryAddSingleton<IInboundTransactionStore, InboundTransactionStore>();
        services.TryAddSingleton<IFederationPolicy, AllowAllFederationPolicy>();
        services.TryAddSingleton(_ =>
        {
            var options = new FederationSenderOptions();
            configure?.Invoke(options);
            return options;
        });
        services.TryAddSingleton(sp => new FederationSender(sp.GetRequiredService<IFederationOutboxStore>(), sp.GetRequiredService<IRoomEventStore>(),
            sp.GetRequiredService<RoomServers>(), sp.GetRequiredService<IRoomEventNotifier>(), sp.GetRequiredService<ServerIdentity>(),
            sp.GetRequiredService<IFederationPolicy>(), sp.GetService<IFederationClient>(), sp.GetRequiredService<FederationSenderOptions>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<FederationSender>>()));
        services.AddSingleton<IFederationSender>(sp => sp.GetRequiredService<FederationSender>());
        services.AddHostedService<FederationSenderHostedService>();

        services.TryAddSingleton<EduDispatcher>();
        services.TryAddSingleton(sp => new MissingEventsFetcher(sp.GetService<IFederationClient>(), sp.GetRequiredService<IRoomEventStore>(),
            sp.GetRequiredService<RoomEventPipeline>(), sp.GetRequiredService<ILogger<MissingEventsFetcher>>()));
        services.TryAddSingleton(sp => new RemoteStateFetcher(sp.GetService<IFederationClient>(), sp.GetRequiredService<IRoomEventStore>(),
            sp.GetRequiredService<RoomEventPipeline>(), sp.GetRequiredService<ILogger<RemoteStateFetcher>>()));
        services.TryAddSingleton<InboundPduProcessor>();
        services.TryAddSingleton<TransactionReceiver>();
        return services;
    }
}
