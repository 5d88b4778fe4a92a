using Homeserver.Federation.Identifiers;
using Homeserver.Federation.Rooms;
using Homeserver.FederationQueries;
using Homeserver.Storage.UserData;

namespace Homeserver.UserData;

/// <summary>
/// Reads and changes profiles, telling every <see cref="IProfileChangeListener"/> about changes. Profiles of other
/// servers' users are read from their server (<see cref="RemoteProfiles"/>); only local ones can change.
/// </summary>
public sealed class ProfileService(IProfileStore store, IEnumerable<IProfileChangeListener> listeners, ServerIdentity identity,
    RemoteProfiles remoteProfiles)
{
    public Task<ProfileRecord?> GetAsync(string userId, CancellationToken cancellationToken) =>
        UserId.TryParse(userId, out var id) && id.Server.ToString() != identity.ServerName
            ? remoteProfiles.GetAsync(id, cancellationToken)
            : store.GetAsync(userId, cancellationToken);

    /// <summary>Sets (null: clears) the display name; the value is already validated.</summary>
    public Task SetDisplayNameAsync(string userId, string? displayName, CancellationToken cancellationToken) =>
        ChangeAsync(userId, () => store.SetDisplayNameAsync(userId, displayName, cancellationToken), cancellationToken);

    /// <summary>Sets (null: clears) the avatar URL; the value is already validated.</summary>
    public Task SetAvatarUrlAsync(string userId, string? avatarUrl, CancellationToken cancellationToken) =>
        ChangeAsync(userId, () => store.SetAvatarUrlAsync(userId, avatarUrl, cancellationToken), cancellationToken);

    private async Task ChangeAsync(string userId, Func<Task> write, CancellationToken cancellationToken)
    {
        var before = await store.GetAsync(userId, cancellationToken);
        await write();
        var after = await store.GetAsync(userId, cancellationToken)
            ?? throw new InvalidOperationException($"The profile of {userId} vanished while it was being changed.");
        if (after == before) return;
        var change = new ProfileChange(userId, before, after);
        foreach (var listener in listeners)
            await listener.OnProfileChangedAsync(change, cancellationToken);
    }
}
