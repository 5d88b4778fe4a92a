namespace Homeserver.Storage.Federation;

/// <summary>
/// Other servers' verify keys and their last key response, kept across restarts so that signatures of
/// old events can still be checked when a server is offline, and so that this server can act as a notary.
/// </summary>
public interface IServerKeyStore
{
    /// <summary>Every key known for the server.</summary>
    Task<IReadOnlyList<StoredServerKey>> GetKeysAsync(string serverName, CancellationToken cancellationToken);

    /// <summary>The server's last saved key response, or null.</summary>
    Task<StoredKeyResponse?> GetResponseAsync(string serverName, CancellationToken cancellationToken);

    /// <summary>Saves a validated response and its keys in one transaction; keys with the same id are replaced.</summary>
    Task SaveAsync(StoredKeyResponse response, IReadOnlyList<StoredServerKey> keys, CancellationToken cancellationToken);
}

/// <summary>A verify key of another server and the last moment it may be used (ms since the epoch).</summary>
/// <param name="PublicKey">Unpadded base64.</param>
public sealed record StoredServerKey(string KeyId, string PublicKey, long ValidUntilTs);

/// <summary>A server's key response (the JSON it signed), when it stops being valid and when it was fetched.</summary>
public sealed record StoredKeyResponse(string ServerName, string ResponseJson, long ValidUntilTs, long FetchedTs);
