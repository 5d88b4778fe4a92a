namespace Homeserver.Sync;

/// <summary>Tells other servers about a local user's presence change (the federation's presence EDU).</summary>
public interface IPresencePublisher
{
    Task PublishAsync(UserPresence presence, CancellationToken cancellationToken);
}
