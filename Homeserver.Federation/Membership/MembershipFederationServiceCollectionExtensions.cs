using Homeserver.Federation.Rooms;
using Homeserver.Storage.Federation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Homeserver.Federation.Membership;

public static class MembershipFederationServiceCollectionExtensions
{
    /// <summary>
    /// Registers both sides of the membership handshakes and invites: serving them for rooms we hold,
    /// and using them for our users in rooms we do not. Call after the room pipeline is added.
    /// </summary>
    public static IServiceCollection AddMembershipFederation(this IServiceCollection services)
    {
        services.TryAddSingleton<IRemoteInviteStore, RemoteInviteStore>();
        services.TryAddSingleton<StoredPduLoader>();
        services.TryAddSingleton<RestrictedJoinAuthoriser>();
        services.TryAddSingleton<ResidentMembership>();
        services.TryAddSingleton<InviteReceiver>();
        services.TryAddSingleton<SendJoinResponseCheck>();
        services.TryAddSingleton<RemoteMembership>();
        return services;
    }
}
