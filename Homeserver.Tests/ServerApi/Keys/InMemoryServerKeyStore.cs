using System.Collections.Concurrent;
using Homeserver.Storage.Federation;

namespace Homeserver.Tests.ServerApi.Keys;

/// <summary>An <see cref="IServerKeyStore"/> in memory, for tests of the key logic without a database.</summary>
public sealed class InMemoryServerKeyStore : IServerKeyStore
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, StoredServerKey>> _keys = new();
    private readonly ConcurrentDictionary<string, StoredKeyResponse> _responses = new();

    public int Saves { get; private set; }

    public Task<IReadOnlyList<StoredServerKey>> GetKeysAsync(string serverName, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredServerKey>>(_keys.TryGetValue(serverName, out var keys) ? keys.Values.ToList() : []);

    public Task<StoredKeyResponse?> GetResponseAsync(string serverName, CancellationToken cancellationToken) =>
        Task.FromResult(_responses.GetValueOrDefault(serverName));

    public Task SaveAsync(StoredKeyResponse response, IReadOnlyList<StoredServerKey> keys, CancellationToken cancellationToken)
    {
        Saves++;
        _responses[response.ServerName] = response;
        var byId = _keys.GetOrAdd(response.ServerName, _ => new ConcurrentDictionary<string, StoredServerKey>());
        foreach (var key in keys) byId[key.KeyId] = key;
        return Task.CompletedTask;
    }
}
