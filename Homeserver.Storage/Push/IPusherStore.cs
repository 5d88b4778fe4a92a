namespace Homeserver.Storage.Push;

/// <summary>A pusher of a user; <see cref="DataJson"/> is the client's <c>data</c> object, <see cref="PushkeyTs"/> in seconds.</summary>
public sealed record PusherRecord(string UserId, string AppId, string Pushkey, string Kind, string AppDisplayName, string DeviceDisplayName,
    string? ProfileTag, string Lang, string DataJson, long PushkeyTs);

public interface IPusherStore
{
    Task<IReadOnlyList<PusherRecord>> GetForUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Creates or replaces the user's pusher of this app id and pushkey. Unless <paramref name="append"/>,
    /// pushers of other users with the same app id and pushkey are removed.
    /// </summary>
    Task SetAsync(PusherRecord pusher, bool append, CancellationToken cancellationToken);

    /// <summary>False when the user had no such pusher.</summary>
    Task<bool> DeleteAsync(string userId, string appId, string pushkey, CancellationToken cancellationToken);
}
