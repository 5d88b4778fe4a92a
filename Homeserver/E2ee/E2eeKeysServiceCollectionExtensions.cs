using Homeserver.Accounts;
using Homeserver.FederationApi.Edus;
using Homeserver.Storage.E2ee;
using Homeserver.Sync;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Homeserver.E2ee;

public static class E2eeKeysServiceCollectionExtensions
{
    /// <summary>End-to-end encryption keys and the device-list stream of sync (needs storage, accounts and sync); remote users' keys over federation.</summary>
    public static IServiceCollection AddE2eeKeys(this IServiceCollection services)
    {
        services.AddSingleton<IDeviceKeyStore, DeviceKeyStore>();
        services.AddSingleton<IOneTimeKeyStore, OneTimeKeyStore>();
        services.AddSingleton<IFallbackKeyStore, FallbackKeyStore>();
        services.AddSingleton<ICrossSigningKeyStore, CrossSigningKeyStore>();
        services.AddSingleton<IKeySignatureStore, KeySignatureStore>();
        services.AddSingleton<IDeviceListStore, DeviceListStore>();
        services.AddSingleton<LocalOrRemote>();
        services.AddSingleton<DeviceListNotifier>();
        services.AddSingleton<KeyUploadService>();
        services.AddSingleton<LocalKeys>();
        services.AddSingleton<IRemoteDeviceListStore, RemoteDeviceListStore>();
        services.AddSingleton<RemoteDeviceLists>();
        services.AddSingleton<RemoteKeys>();
        services.AddSingleton<DeviceListFederation>();
        services.TryAddSingleton<EduOutbox>();
        services.AddSingleton<KeyQueryService>();
        services.AddSingleton<KeyClaimService>();
        services.AddSingleton<CrossSigningService>();
        services.AddSingleton<SignatureUploadService>();
        services.AddSingleton<DeviceListSync>();
        services.AddSingleton<IDeviceListSync>(provider => provider.GetRequiredService<DeviceListSync>());
        services.AddSingleton<IDeviceChangeListener, DeviceKeyCleanup>();
        services.AddSingleton<IDehydratedDeviceStore, DehydratedDeviceStore>();
        services.AddSingleton<DehydratedDevices>();
        services.AddSingleton<IDeviceChangeListener, DehydratedDeviceCleanup>();
        return services;
    }
}
